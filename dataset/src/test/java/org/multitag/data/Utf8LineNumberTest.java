package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;

/**
 * Every reader of data files names the line that holds bytes that are not UTF-8: JSON Lines and CoNLL-U, plain and
 * gzip, labels files; the bad line first, second, or last without a line end.
 */
class Utf8LineNumberTest {

    /** Latin-1 "café" (0xE9 alone is not UTF-8). */
    static final byte[] CAFE = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    static final LabelSet A = LabelSet.of(List.of("A"));

    @TempDir
    Path tmp;

    static byte[] jsonl(byte[] word) {
        return cat("{\"tokens\": [\"".getBytes(StandardCharsets.UTF_8), word,
                "\"], \"labels\": [[\"A\"]]}".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] conllu(byte[] word) {
        return cat("1\t".getBytes(StandardCharsets.UTF_8), word,
                "\t_\tA\t_\t_\t0\troot\t_\t_".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static final byte[] NL = {'\n'};

    Path write(String name, byte[] content) throws IOException {
        Path file = tmp.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
        } else {
            Files.write(file, content);
        }
        return file;
    }

    /** Three records, the {@code bad}-th (1-based) with Latin-1 bytes; no line end after the last. */
    static byte[] jsonlFile(int bad) {
        byte[] good = jsonl("a".getBytes(StandardCharsets.UTF_8));
        return cat(bad == 1 ? jsonl(CAFE) : good, NL, bad == 2 ? jsonl(CAFE) : good, NL, bad == 3 ? jsonl(CAFE) : good);
    }

    /** Three one-word sentences on lines 1, 3, 5, the {@code bad}-th with Latin-1 bytes; no line end at the end. */
    static byte[] conlluFile(int bad) {
        byte[] good = conllu("a".getBytes(StandardCharsets.UTF_8));
        return cat(bad == 1 ? conllu(CAFE) : good, NL, NL, bad == 2 ? conllu(CAFE) : good, NL, NL,
                bad == 3 ? conllu(CAFE) : good);
    }

    @Test
    void jsonlPlainAndGzip() throws IOException {
        for (String name : new String[] {"x.jsonl", "x.jsonl.gz", "x.data"}) {
            for (int bad = 1; bad <= 3; bad++) {
                Path file = write(bad + name, jsonlFile(bad));
                String at = file + ":" + bad;
                ExampleReaderTest.assertError(at, "not valid UTF-8",
                        () -> ExampleReaderTest.reader(A, ExampleReader.Options.DEFAULT).read(file));
                ExampleReaderTest.assertError(at, "not valid UTF-8",
                        () -> ExampleReader.collectLabels(List.of(file), false));
                TrainingData data = ExampleReaderTest.reader(A, ExampleReader.Options.DEFAULT.withSkipBad(true))
                        .read(file);
                assertEquals(List.of(new SkippedLine(at, "not valid UTF-8")), data.skipped(), name);
                assertEquals(2, data.examples().size());
            }
        }
    }

    @Test
    void conlluPlainAndGzip() throws IOException {
        for (String name : new String[] {"x.conllu", "x.conllu.gz"}) {
            for (int bad = 1; bad <= 3; bad++) {
                Path file = write(bad + name, conlluFile(bad));
                String at = file + ":" + (2 * bad - 1);
                LabelSet upos = LabelSet.of(List.of("UPOS=A"));
                ExampleReaderTest.assertError(at, "not valid UTF-8",
                        () -> ExampleReaderTest.reader(upos, ExampleReader.Options.DEFAULT).read(file));
                TrainingData data = ExampleReaderTest.reader(upos, ExampleReader.Options.DEFAULT.withSkipBad(true))
                        .read(file);
                assertEquals(List.of(new SkippedLine(at, "not valid UTF-8")), data.skipped(), name);
                assertEquals(2, data.examples().size());
            }
        }
    }

    @Test
    void labelsFile() throws IOException {
        byte[] a = "A".getBytes(StandardCharsets.UTF_8);
        byte[] b = "B".getBytes(StandardCharsets.UTF_8);
        byte[][] files = {cat(CAFE, NL, a, NL), cat(a, NL, CAFE, NL, b), cat(a, NL, b, NL, CAFE)};
        for (int bad = 1; bad <= 3; bad++) {
            Path file = write("labels" + bad + ".txt", files[bad - 1]);
            InputException e = assertThrows(InputException.class, () -> LabelFile.read(file));
            assertEquals(file + ":" + bad + ": not valid UTF-8", e.getMessage());
        }
    }
}
