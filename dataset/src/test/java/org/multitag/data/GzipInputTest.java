package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .gz} file reads like the file it compresses, its format taken from the inner extension. */
class GzipInputTest {

    @Test
    void gzippedJsonlAndConlluReadLikeThePlainFiles(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"words.jsonl", "sample.conllu"}) {
            Path plain = TestData.resource(name);
            Path gz = dir.resolve(name + ".gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(Files.readAllBytes(plain));
            }
            assertEquals(DataFormat.of(plain), DataFormat.of(gz));
            var labels = ExampleReader.collectLabels(java.util.List.of(plain), false);
            assertEquals(labels, ExampleReader.collectLabels(java.util.List.of(gz), false));
            ExampleReader reader = new ExampleReader(TestData.tokenizer(), labels, ExampleReader.Options.DEFAULT);
            var a = reader.read(plain).examples();
            var b = reader.read(gz).examples();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(java.util.Arrays.toString(a.get(i).inputIds()), java.util.Arrays.toString(b.get(i).inputIds()));
                assertEquals(java.util.Arrays.deepToString(a.get(i).targets()),
                        java.util.Arrays.deepToString(b.get(i).targets()));
            }
        }
    }
}
