package org.multitag.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark-tag's text and JSONL readers: a line that is not UTF-8 is an error row at its own row_id. */
class SparkInputsTest {

    @TempDir
    Path dir;

    static byte[] lines(byte[]... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.length; i++) {
            out.writeBytes(lines[i]);
            if (i < lines.length - 1) {
                out.write('\n'); // no line end after the last
            }
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
        } else {
            Files.write(file, content);
        }
        return file;
    }

    /** row_id, text, error of each row, in row_id order. */
    static List<String> rows(Path file, SparkInputs.Format format) throws IOException {
        List<String> out = new ArrayList<>();
        for (Row r : SparkInputs.read(TestModels.spark(), file.toString(), format).orderBy(SparkInputs.ROW_ID)
                .collectAsList()) {
            out.add(r.getLong(0) + " " + r.getString(1) + " " + r.getString(3));
        }
        return out;
    }

    @Test
    void badBytesAreAnErrorRowAtTheirLine() throws IOException {
        for (String gz : new String[] {"", ".gz"}) {
            Path text = write("in.txt" + gz, lines(latin1("caf\u00e9"), utf8("na\u00efve"), latin1("\u00e9t\u00e9")));
            assertEquals(List.of("0 null not valid UTF-8", "1 na\u00efve null", "2 null not valid UTF-8"),
                    rows(text, SparkInputs.Format.TEXT), gz);
            Path jsonl = write("in.jsonl" + gz, lines(utf8("{\"text\": \"a\"}"), latin1("{\"text\": \"caf\u00e9\"}"),
                    utf8(""), latin1("{\"text\": \"\u00e9t\u00e9\"}")));
            assertEquals(List.of("0 a null", "1 null not valid UTF-8", "3 null not valid UTF-8"),
                    rows(jsonl, SparkInputs.Format.JSONL), gz);
        }
    }

    /** Spark's (Hadoop's) line reader ends a line at a lone CR too, unlike predict's (docs/limits.md). */
    @Test
    void aLoneCarriageReturnEndsASparkLine() throws IOException {
        Path text = write("cr.txt", utf8("a\rb\r\nc"));
        assertEquals(List.of("0 a null", "1 b null", "2 c null"), rows(text, SparkInputs.Format.TEXT));
    }
}
