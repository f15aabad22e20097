package org.multitag.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multitag.model.TaggingModel;

/**
 * Runs the example on the model folder given as {@code -Dmultitag.model=DIR} (a folder with a token head, e.g. the
 * {@code model/} of a {@code multitag demo} or {@code multitag train} run).
 */
class TagTextTest {

    @Test
    void printsEveryWordWithLabelsOfTheModel() throws IOException {
        String folder = System.getProperty("multitag.model", "");
        assertTrue(!folder.isBlank() && Files.isDirectory(Path.of(folder)),
                "-Dmultitag.model must name a model folder, got '" + folder + "'");
        Path model = Path.of(folder);
        List<String> labels = TaggingModel.read(model).labels().names();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TagText.tag(model, List.of("Jane walked to London.", "The jury wasn't told."),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        // One block per text, one line per word, in order.
        String[] blocks = bytes.toString(StandardCharsets.UTF_8).split("\n\n", -1);
        assertEquals(3, blocks.length, "two texts, each followed by an empty line");
        assertEquals("", blocks[2]);
        List<List<String>> words = new ArrayList<>();
        int labelled = 0;
        for (String block : List.of(blocks[0], blocks[1])) {
            List<String> w = new ArrayList<>();
            for (String line : block.split("\n")) {
                String[] cols = line.split("\t", -1);
                assertEquals(2, cols.length, "word<TAB>labels: '" + line + "'");
                w.add(cols[0]);
                if (!cols[1].isEmpty()) {
                    labelled++;
                    for (String label : cols[1].split(" ")) {
                        assertTrue(labels.contains(label), label + " is not one of the model's labels " + labels);
                    }
                }
            }
            words.add(w);
        }
        // BERT's pre-tokenizer splits punctuation off and keeps "wasn't" as wasn ' t.
        assertEquals(List.of("Jane", "walked", "to", "London", "."), words.get(0));
        assertEquals(Arrays.asList("The", "jury", "wasn", "'", "t", "told", "."), words.get(1));
        assertTrue(labelled > 0, "the model decided no label for any of the 12 words");
    }
}
