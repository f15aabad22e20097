package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;

/**
 * CoNLL-U read as documents ({@code # newdoc} groups): the committed EWT slices give, in order, the same words with
 * the same gold labels as read sentence by sentence, one example per {@code # newdoc} line; a hand-made file shows
 * where documents start and that words keep their lines.
 */
class ConlluDocumentsTest {

    @TempDir
    Path tmp;

    @Test
    void theEwtSlicesAsDocumentsHaveTheSentencesWordsAndLabelsInOrder() throws IOException {
        for (String split : List.of("train", "dev")) {
            Path file = TestData.ewt(split, split.equals("train") ? 600 : 200, tmp.resolve(split + ".conllu"));
            LabelSet labels = ExampleReader.collectLabels(List.of(file), false);
            ExampleReader.Options options = ExampleReader.Options.DEFAULT;
            TrainingData sentences = new ExampleReader(TestData.tokenizer(), labels, options).read(file);
            TrainingData documents = new ExampleReader(TestData.tokenizer(), labels, options.withDocuments(true))
                    .read(file);
            long newdocs = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("# newdoc")).count();
            assertTrue(newdocs > 1, split + ": " + newdocs + " documents");
            assertEquals(newdocs, documents.examples().size(), split + ": one example per # newdoc");
            assertTrue(documents.examples().size() < sentences.examples().size());

            List<int[]> goldBySentence = new ArrayList<>();
            List<Integer> idsBySentence = new ArrayList<>();
            for (Example e : sentences.examples()) {
                int[] ids = e.inputIds();
                for (int w = 0; w < e.wordCount(); w++) {
                    goldBySentence.add(e.wordLabels(w));
                    idsBySentence.add(ids[e.firstToken(w)]);
                }
            }
            List<int[]> goldByDocument = new ArrayList<>();
            List<Integer> idsByDocument = new ArrayList<>();
            for (Example e : documents.examples()) {
                int[] ids = e.inputIds();
                assertFalse(e.truncated());
                for (int w = 0; w < e.wordCount(); w++) {
                    goldByDocument.add(e.wordLabels(w));
                    idsByDocument.add(ids[e.firstToken(w)]);
                }
            }
            assertEquals(sentences.wordCount(), documents.wordCount(), split);
            assertEquals(goldBySentence.size(), goldByDocument.size(), split);
            for (int w = 0; w < goldBySentence.size(); w++) {
                assertArrayEquals(goldBySentence.get(w), goldByDocument.get(w), split + " word " + w + " labels");
            }
            assertEquals(idsBySentence, idsByDocument, split + ": each word's first sub-token");
            // a document's tokens are its sentences' tokens without the [CLS]/[SEP] between them
            assertEquals(sentences.tokenCount() - 2L * (sentences.examples().size() - documents.examples().size()),
                    documents.tokenCount(), split);
        }
    }

    @Test
    void aNewdocLineStartsADocumentAndWordsKeepTheirLines() throws IOException {
        Path file = TestData.write(tmp, "docs.conllu", String.join("\n",
                "# sent_id = a", // before any # newdoc: a document of its own
                "1\tOne\tone\tNUM\t_\t_\t0\troot\t_\t_",
                "",
                "# newdoc id = d1",
                "# sent_id = b",
                "1\tTwo\ttwo\tNUM\t_\t_\t0\troot\t_\t_",
                "",
                "# sent_id = c",
                "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
                "1\tdo\tdo\tAUX\t_\tMood=Ind\t0\troot\t_\t_",
                "2\tn't\tnot\tPART\t_\t_\t1\tadvmod\t_\t_",
                "",
                "#newdoc",
                "1\tThree\tthree\tNUM\t_\t_\t0\troot\t_\t_",
                "") + "\n");
        LabelSet labels = ExampleReader.collectLabels(List.of(file), false);
        List<SourceRecord> records = new ArrayList<>();
        SourceReader.read(file, false, true, new ArrayList<>(), records::add);
        assertEquals(3, records.size());
        SourceRecord.Words d1 = (SourceRecord.Words) records.get(1);
        assertEquals(List.of("Two", "do", "n't"), d1.words());
        assertEquals(List.of(List.of("UPOS=NUM"), List.of("UPOS=AUX", "Mood=Ind"), List.of("UPOS=PART")),
                d1.labels());
        assertEquals(file + ":4", d1.source(), "where its first sentence starts");
        assertEquals(file + ":10", d1.location(1), "a word keeps its own line");
        assertEquals(List.of("Three"), ((SourceRecord.Words) records.get(2)).words());
        TrainingData read = new ExampleReader(TestData.tokenizer(), labels,
                ExampleReader.Options.DEFAULT.withDocuments(true)).read(file);
        assertEquals(3, read.examples().size());
        assertEquals(3, read.examples().get(1).wordCount());
    }

    @Test
    void aNewdocOnADroppedSentencePassesToTheNext() throws IOException {
        Path file = TestData.write(tmp, "skip.conllu", String.join("\n",
                "1\tOne\tone\tNUM\t_\t_\t0\troot\t_\t_",
                "",
                "# newdoc",
                "1\tTwo\ttwo\tNUM\t_\t_\t0\troot\t_\t_",
                "3\tbad\tbad\tADJ\t_\t_\t1\tamod\t_\t_",
                "",
                "1\tThree\tthree\tNUM\t_\t_\t0\troot\t_\t_",
                "") + "\n");
        List<SourceRecord> records = new ArrayList<>();
        List<SkippedLine> skipped = new ArrayList<>();
        SourceReader.read(file, true, true, skipped, records::add);
        assertEquals(1, skipped.size());
        assertEquals(2, records.size());
        assertEquals(List.of("Three"), ((SourceRecord.Words) records.get(1)).words());
    }

    @Test
    void documentsOfJsonLinesAreRefused() throws IOException {
        Path file = TestData.write(tmp, "w.jsonl", "{\"tokens\": [\"a\"], \"labels\": [[\"X\"]]}\n");
        InputException e = assertThrows(InputException.class, () -> new ExampleReader(TestData.tokenizer(),
                LabelSet.of(List.of("X")), ExampleReader.Options.DEFAULT.withDocuments(true)).read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("CoNLL-U"), e.getMessage());
    }

    @Test
    void newdocCommentsAreRecognised() {
        assertTrue(ConlluDocuments.startsDocument("# newdoc id = weblog-1"));
        assertTrue(ConlluDocuments.startsDocument("# newdoc"));
        assertTrue(ConlluDocuments.startsDocument("#newdoc id = x"));
        assertFalse(ConlluDocuments.startsDocument("# newpar id = x"));
        assertFalse(ConlluDocuments.startsDocument("# newdocument"));
        assertFalse(ConlluDocuments.startsDocument("# text = # newdoc"));
    }
}
