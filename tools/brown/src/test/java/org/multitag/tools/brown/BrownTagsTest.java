package org.multitag.tools.brown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-checked casts of Brown tags, including whole corpus lines. */
class BrownTagsTest {

    private static void cast(String tag, String... expected) {
        BrownTags.Cast c = BrownTags.cast(tag);
        assertEquals(List.of(expected), c.labels(), tag);
        assertEquals(List.of(), c.fallbacks(), tag);
    }

    @Test
    void compoundTagsAreTheUnionOfTheirParts() {
        // We're, you're
        cast("ppss+ber", "PP", "Case=Nom", "BE", "VerbForm=Fin", "Tense=Pres");
        // He's (= he has): Person=3 and Number=Sing come from both parts, once
        cast("pps+hvz", "PP", "Case=Nom", "Person=3", "Number=Sing", "HV", "VerbForm=Fin", "Tense=Pres");
        // that's
        cast("dt+bez", "DT", "Number=Sing", "BE", "VerbForm=Fin", "Tense=Pres", "Person=3");
        // Let's
        cast("vb+ppo", "VB", "VerbForm=Base", "PP", "Case=Acc");
        // I'd (would)
        cast("ppss+md", "PP", "Case=Nom", "MD", "VerbForm=Fin");
        // d'you: the labels of each part, in part order
        cast("do+ppss", "DO", "VerbForm=Base", "PP", "Case=Nom");
    }

    @Test
    void negationIsAFlag() {
        // can't, won't, cannot
        cast("md*", "MD", "VerbForm=Fin", "NEG");
        // isn't, ain't
        cast("bez*", "BE", "VerbForm=Fin", "Tense=Pres", "Person=3", "Number=Sing", "NEG");
        // not (the tag is '*' alone)
        cast("*", "RB", "NEG");
        cast("ppss+bez*", "PP", "Case=Nom", "BE", "VerbForm=Fin", "Tense=Pres", "Person=3", "Number=Sing", "NEG");
    }

    @Test
    void affixesBecomeFlags() {
        cast("nn-tl", "NN", "Number=Sing", "TL");
        cast("np$", "NN", "NounType=Prop", "Number=Sing", "POSS");
        cast("fw-nn", "NN", "Number=Sing", "FW");
        cast("nn-hl", "NN", "Number=Sing", "HL");
        cast("nn-nc", "NN", "Number=Sing", "NC");
        cast("np-tl", "NN", "NounType=Prop", "Number=Sing", "TL");
        // several at once; flags always in the order FW POSS NEG TL HL NC
        cast("nns$-tl-hl", "NN", "Number=Plur", "POSS", "TL", "HL");
        cast("fw-nn$-tl", "NN", "Number=Sing", "FW", "POSS", "TL");
        cast("ber*-nc", "BE", "VerbForm=Fin", "Tense=Pres", "NEG", "NC");
        cast("fw-*", "RB", "NEG", "FW");
        cast("fw-at+nn-tl", "AT", "NN", "Number=Sing", "FW", "TL");
        cast("jj$-tl", "JJ", "Degree=Pos", "POSS", "TL");
        // punctuation tags with flags
        cast("---hl", "PUNCT", "PunctType=Dash", "HL");
        cast("(-hl", "PUNCT", "PunctType=Brck", "PunctSide=Ini", "HL");
        cast("*-hl", "RB", "NEG", "HL");
    }

    @Test
    void possessivePronounsCarryPossFromTheTable() {
        cast("pp$", "PP", "POSS");
        cast("pp$$", "PP", "POSS", "PossType=Indep");
        cast("wp$", "PN", "PronType=Wh", "POSS");
        cast("pn$", "PN", "POSS");
        cast("fw-pp$-tl", "PP", "POSS", "FW", "TL");
    }

    @Test
    void baseTagsSplitIntoFeatures() {
        cast("vbd", "VB", "VerbForm=Fin", "Tense=Past");
        cast("vbn", "VB", "VerbForm=Part", "Tense=Past");
        cast("vbg", "VB", "VerbForm=Ger");
        cast("vbz", "VB", "VerbForm=Fin", "Tense=Pres", "Person=3", "Number=Sing");
        cast("nns", "NN", "Number=Plur");
        cast("nps", "NN", "NounType=Prop", "Number=Plur");
        cast("nr", "NN", "NounType=Adv", "Number=Sing");
        cast("bedz", "BE", "VerbForm=Fin", "Tense=Past", "Number=Sing");
        cast("bem", "BE", "VerbForm=Fin", "Tense=Pres", "Person=1", "Number=Sing");
        cast("jjt", "JJ", "Degree=Sup");
        cast("jjs", "JJ", "Degree=Sup", "SupType=Sem");
        cast("jjr", "JJ", "Degree=Cmp");
        cast("rbt", "RB", "Degree=Sup");
        cast("ppl", "PP", "Reflex=Yes", "Number=Sing");
        cast("ppo", "PP", "Case=Acc");
        cast("wdt", "DT", "PronType=Wh");
        cast("abx", "ABN", "CC");
        cast("``", "PUNCT", "PunctType=Quot", "PunctSide=Ini");
        cast("''", "PUNCT", "PunctType=Quot", "PunctSide=Fin");
        cast(".", "PUNCT", "PunctType=Peri");
        cast("nil", "X");
        cast("rn", "RB");
    }

    @Test
    void upperCaseTagsCastLikeLowerCase() {
        assertEquals(BrownTags.labels("np$-tl"), BrownTags.labels("NP$-TL"));
    }

    @Test
    void noisyTagsUseTheDocumentedFallbacks() {
        // unknown suffix dropped, base kept
        BrownTags.Cast c = BrownTags.cast("fw-in+at-t");
        assertEquals(List.of("IN", "AT", "FW"), c.labels());
        assertEquals(1, c.fallbacks().size());
        c = BrownTags.cast("ppss+ber-n");
        assertEquals(List.of("PP", "Case=Nom", "BE", "VerbForm=Fin", "Tense=Pres"), c.labels());
        assertEquals(1, c.fallbacks().size());
        // "whaddya": pp is no base tag, but every base tag starting with pp has the stem PP
        c = BrownTags.cast("wdt+ber+pp");
        assertEquals(List.of("DT", "PronType=Wh", "BE", "VerbForm=Fin", "Tense=Pres", "PP"), c.labels());
        assertEquals(1, c.fallbacks().size());
        assertEquals(java.util.Arrays.asList("wdt", "ber", null), c.bases());
        // unknown base: longest known prefix
        c = BrownTags.cast("nnx");
        assertEquals(List.of("NN", "Number=Sing"), c.labels());
        assertEquals(1, c.fallbacks().size());
        // nothing readable
        c = BrownTags.cast("zz");
        assertEquals(List.of("X"), c.labels());
        assertEquals(1, c.fallbacks().size());
        assertEquals(List.of("X"), BrownTags.labels(""));
    }

    @Test
    void everyBaseTagHasItsOwnLabelSetStartingWithAStem() {
        Map<Set<String>, String> seen = new HashMap<>();
        Set<String> stems = new HashSet<>();
        for (BrownTags.Row row : BrownTags.ROWS) {
            String other = seen.put(Set.copyOf(row.labels()), row.tag());
            assertEquals(null, other, row.tag() + " and " + other + " have the same labels");
            String stem = row.labels().get(0);
            assertFalse(stem.contains("="), row.tag());
            assertFalse(BrownTags.FLAGS.contains(stem), row.tag());
            stems.add(stem);
        }
        assertEquals(81, BrownTags.ROWS.size());
        assertEquals(BrownTags.ROWS.size(), BrownTags.BASE.size());
        // no flag and no feature is ever used as a stem
        for (BrownTags.Row row : BrownTags.ROWS) {
            for (String l : row.labels().subList(1, row.labels().size())) {
                assertFalse(stems.contains(l) && !l.equals("CC"), row.tag() + ": " + l);
            }
        }
    }

    /** ca38, line 132, verbatim: two contractions and closing quotes. */
    @Test
    void contractionLineFromTheCorpus(@TempDir Path dir) throws IOException {
        String line = "When/wrb you're/ppss+ber playing/vbg like/cs that/dt you'd/ppss+md better/rbr attack/vb "
                + "''/'' ./.";
        List<List<String>> expected = List.of(
                List.of("RB", "PronType=Wh"),
                List.of("PP", "Case=Nom", "BE", "VerbForm=Fin", "Tense=Pres"),
                List.of("VB", "VerbForm=Ger"),
                List.of("CS"),
                List.of("DT", "Number=Sing"),
                List.of("PP", "Case=Nom", "MD", "VerbForm=Fin"),
                List.of("RB", "Degree=Cmp"),
                List.of("VB", "VerbForm=Base"),
                List.of("PUNCT", "PunctType=Quot", "PunctSide=Fin"),
                List.of("PUNCT", "PunctType=Peri"));
        BrownCorpus.Sentence s = readOne(dir, "ca38", line);
        assertEquals(List.of("When", "you're", "playing", "like", "that", "you'd", "better", "attack", "''", "."),
                s.words());
        assertEquals(expected, s.tags().stream().map(BrownTags::labels).toList());
    }

    /** ca16, line 111, verbatim: a possessive-looking contraction (W.'s = W. is) and ain't. */
    @Test
    void negatedContractionLineFromTheCorpus(@TempDir Path dir) throws IOException {
        String line = "If/cs W./np W.'s/np+bez retiring/vbg soon/rb ,/, as/cs hinted/vbn ,/, he/pps ain't/bez* "
                + "talking/vbg --/-- yet/rb ./.";
        BrownCorpus.Sentence s = readOne(dir, "ca16", line);
        List<List<String>> labels = s.tags().stream().map(BrownTags::labels).toList();
        assertEquals("W.'s", s.words().get(2));
        assertEquals(List.of("NN", "NounType=Prop", "Number=Sing", "BE", "VerbForm=Fin", "Tense=Pres", "Person=3"),
                labels.get(2));
        assertEquals("ain't", s.words().get(10));
        assertEquals(List.of("BE", "VerbForm=Fin", "Tense=Pres", "Person=3", "Number=Sing", "NEG"), labels.get(10));
        assertEquals(List.of("PUNCT", "PunctType=Dash"), labels.get(12));
        assertEquals(List.of("PP", "Case=Nom", "Person=3", "Number=Sing"), labels.get(9));
        assertTrue(labels.stream().allMatch(l -> !l.isEmpty()));
    }

    private static BrownCorpus.Sentence readOne(Path dir, String file, String line) throws IOException {
        Files.writeString(dir.resolve(file), "\n\n\t" + line + "\n\n");
        List<BrownCorpus.Sentence> sentences = BrownCorpus.read(dir, file);
        assertEquals(1, sentences.size());
        assertEquals(3, sentences.get(0).line());
        return sentences.get(0);
    }
}
