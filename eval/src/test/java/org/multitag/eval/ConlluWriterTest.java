package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.data.ExampleReader;
import org.multitag.data.TestData;
import org.multitag.data.TrainingData;

class ConlluWriterTest {

    // A comment-only block (no sentence), comments, a multiword token, an empty node, a tab inside MISC (an
    // 11th field: must survive), trailing spaces in a comment.
    static final List<String> LINES = List.of(
            "# newdoc id = d1  ",
            "",
            "# sent_id = a",
            "# text = He's 3 cats",
            "1-2\tHe's\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No",
            "1\tHe\the\tPRON\tPRP\tCase=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs\t3\tnsubj\t3:nsubj\t_",
            "2\t's\tbe\tAUX\tVBZ\tMood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin\t3\tcop\t3:cop\t_",
            "2.1\tgot\tget\tVERB\tVBD\t_\t_\t_\t3:orphan\t_",
            "3\t3\t3\tNUM\tCD\tNumForm=Digit|NumType=Card\t0\troot\t0:root\tSpaceAfter=No\tExtra=Tab",
            "4\tcats\tcat\tNOUN\tNNS\tNumber=Plur\t3\tnmod\t3:nmod\tGloss=a b|x",
            "",
            "# sent_id = b",
            "1\tOK\tok\tINTJ\tUH\t_\t0\troot\t0:root\t_",
            "");

    static final List<List<List<String>>> PREDICTIONS = List.of(
            List.of(
                    List.of("UPOS=PRON", "PronType=Prs", "Person=3", "Number=Sing", "B-NP"),
                    List.of("UPOS=VERB", "UPOS=AUX"),
                    // Case-sensitive order would put NumForm and NumType before Number ('F', 'T' < 'b').
                    List.of("NumType=Card", "NumForm=Digit", "Number=Sing", "ExtPos=ADV", "Abbr=Yes", "UPOS=NUM",
                            "Number=Sing"),
                    List.of()),
            List.of(List.of("UPOS=X", "Typo=Yes")));

    @Test
    void writesUposAndFeatsAndCopiesEverythingElse() {
        String out = ConlluWriter.write(LINES, PREDICTIONS);
        List<String> got = out.lines().toList();
        assertTrue(out.endsWith("\n"));
        assertEquals(LINES.size(), got.size());
        for (int i = 0; i < LINES.size(); i++) {
            String[] in = LINES.get(i).split("\t", -1);
            String[] o = got.get(i).split("\t", -1);
            assertEquals(in.length, o.length, "line " + (i + 1));
            boolean word = in.length >= 10 && !in[0].contains("-") && !in[0].contains(".");
            for (int c = 0; c < in.length; c++) {
                if (!(word && (c == 3 || c == 5))) {
                    assertEquals(in[c], o[c], "line " + (i + 1) + " column " + (c + 1));
                }
            }
            if (!word) {
                assertEquals(LINES.get(i), got.get(i), "line " + (i + 1));
            }
        }
        assertEquals("1\tHe\the\tPRON\tPRP\tNumber=Sing|Person=3|PronType=Prs\t3\tnsubj\t3:nsubj\t_", got.get(5));
        // First UPOS in the given order; no feature -> "_".
        assertEquals("2\t's\tbe\tVERB\tVBZ\t_\t3\tcop\t3:cop\t_", got.get(6));
        // Validator order: lower-cased items, so Abbr < ExtPos < Number < NumForm < NumType; the duplicate is
        // written once.
        assertEquals("3\t3\t3\tNUM\tCD\tAbbr=Yes|ExtPos=ADV|Number=Sing|NumForm=Digit|NumType=Card\t0\troot\t0:root"
                + "\tSpaceAfter=No\tExtra=Tab", got.get(8));
        assertEquals("4\tcats\tcat\t_\tNNS\t_\t3\tnmod\t3:nmod\tGloss=a b|x", got.get(9));
        assertEquals("1\tOK\tok\tX\tUH\tTypo=Yes\t0\troot\t0:root\t_", got.get(12));
    }

    @Test
    void goldPredictionsRoundTrip() {
        List<List<List<String>>> gold = UdMetricsTest.goldLabels(LINES);
        assertEquals(String.join("\n", LINES) + "\n", ConlluWriter.write(LINES, gold));
    }

    @Test
    void documentsFollowNewdocLinesAsTheReaderDoes(@TempDir Path tmp) throws IOException {
        // the comment-only block's # newdoc goes to sentence a; b has none and joins it
        List<List<ConlluWriter.Sentence>> docs = ConlluWriter.documents(LINES);
        assertEquals(1, docs.size());
        assertEquals(List.of(3, 12), docs.get(0).stream().map(ConlluWriter.Sentence::line).toList());
        List<String> more = new ArrayList<>(LINES);
        more.addAll(List.of("# newdoc", "1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t0:root\t_", ""));
        docs = ConlluWriter.documents(more);
        assertEquals(2, docs.size());
        assertEquals(List.of("Yes"), docs.get(1).get(0).words());

        // on the EWT slice: the same documents, word for word, as the data reader's
        Path dev = TestData.ewt("dev", 200, tmp.resolve("dev.conllu"));
        TrainingData read = new ExampleReader(TestData.tokenizer(), ExampleReader.collectLabels(List.of(dev), false),
                ExampleReader.Options.DEFAULT.withDocuments(true)).read(dev);
        docs = ConlluWriter.documents(Files.readAllLines(dev));
        assertEquals(read.examples().size(), docs.size());
        for (int d = 0; d < docs.size(); d++) {
            assertEquals(read.examples().get(d).wordCount(),
                    docs.get(d).stream().mapToInt(s -> s.words().size()).sum(), "document " + d);
            assertEquals(dev + ":" + docs.get(d).get(0).line(), read.examples().get(d).source());
        }
    }

    @Test
    void wrongCountsThrow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConlluWriter.write(LINES,
                List.of(PREDICTIONS.get(0).subList(0, 3), PREDICTIONS.get(1))));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConlluWriter.write(LINES, List.of(PREDICTIONS.get(0))));
        assertTrue(e.getMessage().contains("line 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ConlluWriter.write(LINES, List.of(PREDICTIONS.get(0), PREDICTIONS.get(1), List.of())));
    }
}
