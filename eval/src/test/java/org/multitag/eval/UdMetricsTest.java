package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.data.TestData;

/**
 * {@link UdMetrics} against hand counts and against the official CoNLL 2018 evaluation script
 * (UniversalDependencies/tools {@code eval.py} -> {@code udtools/src/udtools/udeval.py}, commit
 * {@code 446bd969636069ec01e16be89da44af5454363af}), run outside the build with {@code python3 eval.py -v} and
 * {@code -c} on {@link #GOLD} and on the system file {@code ConlluWriter.write(GOLD, PREDICTIONS)}. The script has
 * no "all features" metric; allFeats and uposFeats were checked with a copy of the script whose FEATS filter
 * keeps every feature (its UFeats then is allFeats and, XPOS being copied from gold, its AllTags is uposFeats).
 */
class UdMetricsTest {

    /** Gold: 2 sentences, 11 words. ExtPos and Typo are not in the script's universal list; Foreign is. */
    static final String GOLD = String.join("\n",
            "# sent_id = s1",
            "# text = Dr. Smith wnet home.",
            "1\tDr.\tDr.\tPROPN\tNNP\tAbbr=Yes|Number=Sing\t2\tcompound\t2:compound\t_",
            "2\tSmith\tSmith\tPROPN\tNNP\tNumber=Sing\t3\tnsubj\t3:nsubj\t_",
            "3\twnet\tgo\tVERB\tVBD\tMood=Ind|Number=Sing|Person=3|Tense=Past|Typo=Yes|VerbForm=Fin\t0\troot\t0:root\t_",
            "4\thome\thome\tADV\tRB\t_\t3\tadvmod\t3:advmod\tSpaceAfter=No",
            "5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t3:punct\t_",
            "",
            "# sent_id = s2",
            "# text = Of course they're here!",
            "1\tOf\tof\tADP\tIN\tExtPos=ADV\t5\tadvmod\t5:advmod\t_",
            "2\tcourse\tcourse\tNOUN\tNN\tNumber=Sing\t1\tfixed\t1:fixed\t_",
            "3-4\tthey're\t_\t_\t_\t_\t_\t_\t_\t_",
            "3\tthey\tthey\tPRON\tPRP\tCase=Nom|Number=Plur|Person=3|PronType=Prs\t5\tnsubj\t5:nsubj\t_",
            "4\t're\tbe\tAUX\tVBP\tMood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin\t5\tcop\t5:cop\t_",
            "5\there\there\tADV\tRB\tForeign=Yes|PronType=Dem\t0\troot\t0:root\tSpaceAfter=No",
            "6\t!\t!\tPUNCT\t.\t_\t5\tpunct\t5:punct\t_",
            "", "");

    /** Per word: UPOS / UFeats / allFeats / uposFeats right (+) or wrong (-). */
    static final List<List<List<String>>> PREDICTIONS = List.of(
            List.of(
                    List.of("UPOS=PROPN", "Number=Sing", "Abbr=Yes"),                 // Dr.    + + + +
                    List.of("UPOS=NOUN", "Number=Sing"),                              // Smith  - + + -  wrong UPOS
                    List.of("UPOS=VERB", "Mood=Ind", "Number=Sing", "Person=3",       // wnet   + + - -  no Typo=Yes
                            "Tense=Past", "VerbForm=Fin"),
                    List.of("UPOS=ADV"),                                              // home   + + + +
                    List.of()),                                                       // .      - + + -  no UPOS
            List.of(
                    List.of("UPOS=ADP"),                                              // Of     + + - -  no ExtPos
                    List.of("UPOS=NOUN", "Number=Sing"),                              // course + + + +
                    List.of("UPOS=PRON", "Case=Nom", "Number=Sing", "Person=3",       // they   + - - -  Number wrong
                            "PronType=Prs"),
                    List.of("VerbForm=Fin", "UPOS=AUX", "Tense=Pres", "Person=3",     // 're    + + + +  B-VP ignored
                            "Number=Plur", "Mood=Ind", "B-VP"),
                    List.of("UPOS=ADV", "PronType=Dem"),                              // here   + - - -  Foreign=Yes
                    List.of("UPOS=SYM", "UPOS=PUNCT")));                              // !      - + + -  two UPOS

    /** UPOS=col 4 unless {@code _}, plus the FEATS items: the project's labels for a CoNLL-U word. */
    static List<List<List<String>>> goldLabels(List<String> lines) {
        List<List<List<String>>> sentences = new ArrayList<>();
        List<List<String>> words = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                if (!words.isEmpty()) {
                    sentences.add(words);
                }
                words = new ArrayList<>();
                continue;
            }
            String[] c = line.split("\t");
            if (line.startsWith("#") || c[0].contains("-") || c[0].contains(".")) {
                continue;
            }
            List<String> labels = new ArrayList<>();
            if (!c[3].equals("_")) {
                labels.add("UPOS=" + c[3]);
            }
            if (!c[5].equals("_")) {
                labels.addAll(List.of(c[5].split("\\|")));
            }
            words.add(labels);
        }
        if (!words.isEmpty()) {
            sentences.add(words);
        }
        return sentences;
    }

    static UdMetrics score(List<List<List<String>>> gold, List<List<List<String>>> predicted) {
        UdMetrics m = new UdMetrics();
        assertEquals(gold.size(), predicted.size());
        for (int s = 0; s < gold.size(); s++) {
            assertEquals(gold.get(s).size(), predicted.get(s).size());
            for (int w = 0; w < gold.get(s).size(); w++) {
                m.addWord(gold.get(s).get(w), predicted.get(s).get(w));
            }
        }
        return m;
    }

    @Test
    void smallPairMatchesHandCountsAndTheOfficialScript() {
        UdMetrics.Scores s = score(goldLabels(GOLD.lines().toList()), PREDICTIONS).scores();
        assertEquals(11, s.words());
        // Hand: UPOS wrong for Smith, ".", "!" -> 8/11. eval.py -c: UPOS 8 of 11 (-v: 72.73).
        assertEquals(8.0 / 11, s.upos(), 1e-12);
        // Hand: UFeats wrong for they (Number), here (Foreign=Yes) -> 9/11; Typo and ExtPos ignored.
        // eval.py -c: UFeats 9 of 11 (-v: 81.82).
        assertEquals(9.0 / 11, s.ufeats(), 1e-12);
        // Hand: allFeats also wrong for wnet (Typo) and Of (ExtPos) -> 7/11; all-features copy of the script: 7.
        assertEquals(7.0 / 11, s.allFeats(), 1e-12);
        // Hand: right for Dr., home, course, 're -> 4/11; all-features copy of the script, AllTags: 4.
        // (The unmodified script's AllTags, UPOS+XPOS+UFeats, is 6 of 11: it ignores Typo and ExtPos.)
        assertEquals(4.0 / 11, s.uposFeats(), 1e-12);
        // "." has no UPOS, "!" has two.
        assertEquals(2, s.wordsWithoutOneUpos());
    }

    @Test
    void emptyAndEdgeCases() {
        UdMetrics m = new UdMetrics();
        assertEquals(new UdMetrics.Scores(0, 0, 0, 0, 0, 0), m.scores());
        // Gold UPOS "_" (no label) and no predicted UPOS: the script compares "_" with "_", so right.
        m.addWord(List.of(), List.of());
        // Duplicate labels count once; layered Number[psor] is not universal, so UFeats ignores it.
        m.addWord(List.of("UPOS=PRON", "Number[psor]=Sing"), List.of("UPOS=PRON", "UPOS=PRON"));
        UdMetrics.Scores s = m.scores();
        assertEquals(2, m.words());
        assertEquals(1.0, s.upos());
        assertEquals(1.0, s.ufeats());
        assertEquals(0.5, s.allFeats());
        assertEquals(0.5, s.uposFeats());
        assertEquals(1, s.wordsWithoutOneUpos());
    }

    @Test
    void scoresSerialiseWithJackson() throws IOException {
        UdMetrics m = new UdMetrics();
        m.addWord(List.of("UPOS=NOUN"), List.of("UPOS=NOUN"));
        Map<?, ?> json = new ObjectMapper().readValue(new ObjectMapper().writeValueAsString(m.scores()), Map.class);
        assertEquals(Map.of("words", 1, "upos", 1.0, "ufeats", 1.0, "upos_feats", 1.0, "all_feats", 1.0,
                "words_without_one_upos", 0), json);
    }

    // ---- EWT dev cross-check -------------------------------------------------------------------------------

    /**
     * The deterministic perturbation of word {@code i} (0-based over the whole file) used for the cross-check;
     * the same rules, in Python, wrote the system file the script scored.
     */
    static List<String> perturb(int i, List<String> gold) {
        String upos = "_";
        List<String> feats = new ArrayList<>();
        for (String l : gold) {
            if (l.startsWith("UPOS=")) {
                upos = l.substring(5);
            } else {
                feats.add(l);
            }
        }
        if (i % 5 == 1 && !feats.isEmpty()) {
            feats.remove(0);
        }
        if (i % 23 == 9 && feats.contains("Number=Sing")) {
            feats.set(feats.indexOf("Number=Sing"), "Number=Plur");
        }
        if (i % 13 == 2 && !feats.contains("Typo=Yes")) {
            feats.add("Typo=Yes");
        }
        if (i % 17 == 4 && !feats.contains("Foreign=Yes")) {
            feats.add("Foreign=Yes");
        }
        List<String> out = new ArrayList<>();
        if (i % 11 == 5) {
            // no UPOS
        } else if (i % 7 == 3) {
            out.add(upos.equals("VERB") ? "UPOS=NOUN" : "UPOS=VERB");
        } else if (i % 19 == 7) {
            out.add(upos.equals("X") ? "UPOS=SYM" : "UPOS=X"); // first (and written) UPOS is wrong
            out.add("UPOS=" + upos);
        } else if (!upos.equals("_")) {
            out.add("UPOS=" + upos);
        }
        out.addAll(feats);
        return out;
    }

    static List<List<List<String>>> perturbAll(List<List<List<String>>> gold) {
        List<List<List<String>>> out = new ArrayList<>();
        int i = 0;
        for (List<List<String>> sentence : gold) {
            List<List<String>> words = new ArrayList<>();
            for (List<String> word : sentence) {
                words.add(perturb(i++, word));
            }
            out.add(words);
        }
        return out;
    }

    @Test
    void ewtDevFirst200SentencesMatchTheOfficialScript(@TempDir Path tmp) throws IOException {
        Path dev = TestData.ewt("dev", 200, tmp.resolve("dev.conllu"));
        List<List<List<String>>> gold = goldLabels(Files.readAllLines(dev, StandardCharsets.UTF_8));
        UdMetrics.Scores s = score(gold, perturbAll(gold)).scores();
        // python3 eval.py -c gold200.conllu sys200.conllu (4007 words, all aligned):
        // UPOS 2958, UFeats 3213, AllTags 2381 (-v: UPOS 73.82, UFeats 80.18).
        assertEquals(4007, s.words());
        assertEquals(2958.0 / 4007, s.upos(), 1e-9);
        assertEquals(3213.0 / 4007, s.ufeats(), 1e-9);
        // The all-features copy of the script: UFeats 2957, AllTags 2189.
        assertEquals(2957.0 / 4007, s.allFeats(), 1e-9);
        assertEquals(2189.0 / 4007, s.uposFeats(), 1e-9);
        // i % 11 == 5 (no UPOS) or, otherwise, i % 7 != 3 and i % 19 == 7 (two UPOS), for i < 4007.
        assertEquals(529, s.wordsWithoutOneUpos());
    }
}
