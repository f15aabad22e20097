package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.LabelSet;

/**
 * Reads the committed UD English EWT dev slice (its first 200 sentences, {@link TestData#ewt}) and checks the
 * sentences, words and labels against an independent count of the file.
 */
class UdEnglishEwtTest {

    @Test
    void devSentencesWordsAndLabelsMatchTheFile(@TempDir Path tmp) throws IOException {
        Path dev = TestData.ewt("dev", 200, tmp.resolve("dev.conllu"));

        // Independent count: a sentence is a run of non-blank lines; its words are the lines whose ID column is a
        // plain integer; labels are UPOS=<col 4> plus the FEATS pairs.
        List<String> lines = Files.readAllLines(dev, StandardCharsets.UTF_8);
        int sentences = 0;
        int sentIdComments = 0;
        int multiword = 0;
        int emptyNodes = 0;
        List<Integer> sentenceWords = new ArrayList<>();
        List<String> firstWordLabels = new ArrayList<>();
        TreeSet<String> labels = new TreeSet<>();
        int inSentence = -1;
        for (String line : lines) {
            if (line.isEmpty()) {
                if (inSentence >= 0) {
                    sentences++;
                    sentenceWords.add(inSentence);
                }
                inSentence = -1;
                continue;
            }
            if (inSentence < 0) {
                inSentence = 0;
            }
            if (line.startsWith("# sent_id")) {
                sentIdComments++;
            }
            if (line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t");
            if (c[0].contains("-")) {
                multiword++;
            } else if (c[0].contains(".")) {
                emptyNodes++;
            } else {
                inSentence++;
                List<String> set = new ArrayList<>();
                set.add("UPOS=" + c[3]);
                if (!c[5].equals("_")) {
                    set.addAll(List.of(c[5].split("\\|")));
                }
                labels.addAll(set);
                if (inSentence == 1 && firstWordLabels.isEmpty()) {
                    firstWordLabels.addAll(new TreeSet<>(set));
                }
            }
        }
        if (inSentence >= 0) {
            sentences++;
            sentenceWords.add(inSentence);
        }
        int words = sentenceWords.stream().mapToInt(Integer::intValue).sum();
        assertEquals(sentIdComments, sentences, "every sentence has a sent_id");
        assertTrue(multiword > 0 && emptyNodes > 0, "the file has multiword tokens and empty nodes");

        long t0 = System.nanoTime();
        LabelSet collected = ExampleReader.collectLabels(List.of(dev), false);
        assertEquals(List.copyOf(labels), collected.names());
        TrainingData data = new ExampleReader(TestData.tokenizer(), collected, ExampleReader.Options.DEFAULT)
                .read(dev);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(sentences, data.examples().size());
        assertEquals(words, data.wordCount());
        for (int s = 0; s < sentences; s++) {
            assertEquals(sentenceWords.get(s), data.examples().get(s).wordCount(), "sentence " + (s + 1));
        }
        int[] first = firstWordLabels.stream().mapToInt(collected::indexOf).sorted().toArray();
        assertArrayEquals(first, data.examples().get(0).wordLabels(0));
        assertEquals(0, data.skipped().size());
        System.out.printf("EWT dev slice: %d sentences, %d words (%d multiword tokens and %d empty nodes skipped), "
                + "%d distinct labels (%d UPOS + %d features); read in %d ms%n", sentences, words, multiword,
                emptyNodes, collected.size(), collected.names().stream().filter(l -> l.startsWith("UPOS=")).count(),
                collected.names().stream().filter(l -> !l.startsWith("UPOS=")).count(), ms);
    }
}
