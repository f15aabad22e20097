package org.multitag.model.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.model.Thresholds;

/** The three decoding modes on hand-built probability tables, and label-sets against brute force. */
class DecoderTest {

    // 0..2 UPOS (exactly-one), 3..4 Number (at-most-one), 5 Tense=Past (a group of one), 6 FREE (no '=')
    static final List<String> LABELS = List.of("UPOS=NOUN", "UPOS=VERB", "UPOS=PRON", "Number=Plur", "Number=Sing",
            "Tense=Past", "FREE");

    static float[] half() {
        float[] t = new float[LABELS.size()];
        java.util.Arrays.fill(t, 0.5f);
        return t;
    }

    @Test
    void autoGroupsFollowTheNames() {
        LabelGroups g = LabelGroups.auto(LABELS);
        assertEquals(3, g.groups().size());
        assertEquals("UPOS", g.groups().get(0).name());
        assertEquals(LabelGroups.Rule.EXACTLY_ONE, g.groups().get(0).rule());
        assertArrayEquals(new int[] {0, 1, 2}, g.groups().get(0).labels());
        assertEquals(LabelGroups.Rule.AT_MOST_ONE, g.groups().get(1).rule());
        assertArrayEquals(new int[] {3, 4}, g.groups().get(1).labels());
        assertEquals(-1, g.groupOf(6), "a label without '=' is free");
        assertTrue(LabelGroups.auto(List.of("B-PER", "I-PER", "O")).isEmpty(), "no groups for NER-style names");
    }

    @Test
    void independentUsesEachThreshold() {
        float[] t = half();
        t[1] = 0.2f;
        Decoder d = Decoder.independent(LABELS, t);
        // two UPOS on, Number both on: independent decisions allow it
        float[] p = {0.6f, 0.3f, 0.1f, 0.7f, 0.55f, 0.49f, 0.5f};
        assertArrayEquals(new int[] {0, 1, 3, 4, 6}, d.labels(p));
        assertArrayEquals(new int[0], d.labels(null), "a word without prediction gets nothing");
    }

    @Test
    void groupsTakeArgmaxAndItsThreshold() {
        LabelGroups g = LabelGroups.auto(LABELS);
        float[] t = half();
        t[4] = 0.8f; // Number=Sing needs 0.8
        Decoder d = Decoder.of(DecodingMode.GROUPS, g, null, t);
        // no UPOS above 0.5: exactly-one still takes the argmax (VERB); Number: argmax Sing 0.7 < 0.8 -> none
        float[] p = {0.2f, 0.3f, 0.1f, 0.6f, 0.7f, 0.9f, 0.4f};
        assertArrayEquals(new int[] {1, 5}, d.labels(p));
        // Number=Plur is the argmax and passes 0.5; FREE passes
        float[] q = {0.9f, 0.8f, 0.1f, 0.6f, 0.2f, 0.1f, 0.5f};
        assertArrayEquals(new int[] {0, 3, 6}, d.labels(q));
        // a tie in a group goes to the first label
        float[] r = {0.4f, 0.4f, 0.4f, 0.0f, 0.0f, 0.0f, 0.0f};
        assertArrayEquals(new int[] {0}, d.labels(r));
    }

    @Test
    void labelSetsPickTheMostProbableSeenSet() {
        LabelGroups g = LabelGroups.auto(LABELS);
        SeenLabelSets seen = SeenLabelSets.of(LABELS, List.of(
                new int[] {0, 4},    // NOUN Sing
                new int[] {0, 3},    // NOUN Plur
                new int[] {1, 5},    // VERB Past
                new int[] {1},       // VERB
                new int[] {2}));     // PRON
        Decoder d = Decoder.of(DecodingMode.LABEL_SETS, g, seen, half());
        // groups would give NOUN + Past (argmax per group); Past never goes with NOUN in training.
        // NOUN+Sing: log .5 + log .6 + log(1-.45) + log(1-.2) + log(1-.3) + log(1-.05) + log(1-.1)
        // VERB+Past: log .45 + log .7 + log(1-.5) ... : the sum of log-odds decides: NOUN+Sing: 0 + 0.405 = 0.405;
        // VERB+Past: -0.201 + 0.847 = 0.646; VERB alone: -0.201; NOUN+Plur: 0 - 1.386; PRON: -2.197
        float[] p = {0.5f, 0.45f, 0.1f, 0.2f, 0.6f, 0.7f, 0.9f};
        assertArrayEquals(new int[] {1, 5, 6}, d.labels(p), "VERB Past wins; FREE decided alone");
        // with Past unlikely, NOUN + Sing
        float[] q = {0.5f, 0.45f, 0.1f, 0.2f, 0.6f, 0.1f, 0.1f};
        assertArrayEquals(new int[] {0, 4}, d.labels(q));
        // groups mode on q: NOUN, Sing (0.6 >= 0.5), no Past
        assertArrayEquals(new int[] {0, 4}, Decoder.of(DecodingMode.GROUPS, g, null, half()).labels(q));
    }

    @Test
    void withThresholdsKeepsTheModeGroupsAndSets() {
        LabelGroups g = LabelGroups.auto(LABELS);
        SeenLabelSets seen = SeenLabelSets.of(LABELS, List.of(new int[] {0, 4}, new int[] {1, 5}));
        Decoder d = Decoder.of(DecodingMode.LABEL_SETS, g, seen, half()).withThresholds(new float[] {
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.95f});
        assertEquals(DecodingMode.LABEL_SETS, d.mode());
        // FREE at 0.9 is now below its threshold; the grouped labels still come from the seen sets
        assertArrayEquals(new int[] {1, 5}, d.labels(new float[] {0.5f, 0.45f, 0.1f, 0.2f, 0.6f, 0.7f, 0.9f}));
    }

    @Test
    void labelSetsWithoutSeenSetsDecodeAsGroups() {
        LabelGroups g = LabelGroups.auto(LABELS);
        float[] p = {0.2f, 0.3f, 0.1f, 0.6f, 0.7f, 0.9f, 0.4f};
        assertArrayEquals(Decoder.of(DecodingMode.GROUPS, g, null, half()).labels(p),
                Decoder.of(DecodingMode.LABEL_SETS, g, null, half()).labels(p));
    }

    @Test
    void saturatedProbabilitiesStayFinite() {
        LabelGroups g = LabelGroups.auto(LABELS);
        SeenLabelSets seen = SeenLabelSets.of(LABELS, List.of(new int[] {0, 4}, new int[] {0, 3}));
        // both Number labels at 1.0f: log(1-p) would be -inf; clamped, the tie goes to the set listed first
        float[] p = {1f, 0f, 0f, 1f, 1f, 0f, 0f};
        assertArrayEquals(new int[] {0, 4}, Decoder.of(DecodingMode.LABEL_SETS, g, seen, half()).labels(p));
    }

    /** label-sets (pruned search) equals a plain scan of Σ log p (on) + log(1 − p) (off) over every seen set. */
    @Test
    void labelSetsEqualBruteForce() {
        SplittableRandom r = new SplittableRandom(11);
        List<String> labels = new ArrayList<>();
        for (int u = 0; u < 12; u++) {
            labels.add("UPOS=U" + u);
        }
        for (int k = 0; k < 6; k++) {
            for (int v = 0; v < 1 + k % 3; v++) {
                labels.add("F" + k + "=V" + v);
            }
        }
        labels.add("Free");
        LabelGroups g = LabelGroups.auto(labels);
        List<int[]> sets = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<Integer> s = new ArrayList<>();
            s.add(r.nextInt(12));
            int base = 12;
            for (int k = 0; k < 6; k++) {
                int values = 1 + k % 3;
                if (r.nextInt(3) == 0) {
                    s.add(base + r.nextInt(values));
                }
                base += values;
            }
            sets.add(s.stream().mapToInt(Integer::intValue).toArray());
        }
        SeenLabelSets seen = SeenLabelSets.of(labels, sets);
        float[] t = new float[labels.size()];
        java.util.Arrays.fill(t, 0.5f);
        Decoder d = Decoder.of(DecodingMode.LABEL_SETS, g, seen, t);
        int grouped = labels.size() - 1;
        for (int trial = 0; trial < 3000; trial++) {
            float[] p = new float[labels.size()];
            for (int l = 0; l < p.length; l++) {
                // peaked like a trained model's, sometimes flat, sometimes saturated
                double z = r.nextGaussian() * (trial % 3 == 0 ? 1 : 6) - 2;
                p[l] = (float) (1 / (1 + Math.exp(-z)));
            }
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < seen.size(); i++) {
                boolean[] on = new boolean[labels.size()];
                for (int l : seen.set(i)) {
                    on[l] = true;
                }
                double score = 0;
                for (int l = 0; l < grouped; l++) {
                    double q = Math.min(Math.max(p[l], Decoder.P_MIN), 1 - Decoder.P_MIN);
                    score += on[l] ? Math.log(q) : Math.log1p(-q);
                }
                if (score > bestScore + 1e-9) {
                    bestScore = score;
                    best = i;
                }
            }
            int[] expected = seen.set(best);
            boolean free = p[grouped] >= 0.5f;
            int[] got = d.labels(p);
            int[] want = free ? java.util.stream.IntStream.concat(java.util.Arrays.stream(expected),
                    java.util.stream.IntStream.of(grouped)).toArray() : expected;
            assertArrayEquals(want, got, "trial " + trial);
        }
    }

    @Test
    void groupsFileRoundTripAndErrors(@TempDir Path dir) throws Exception {
        LabelGroups g = LabelGroups.auto(LABELS);
        g.write(dir);
        assertEquals(g, LabelGroups.readFolder(dir, LABELS));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"groups\": [{\"name\": \"X\", \"rule\": \"exactly-one\", "
                + "\"labels\": [\"UPOS=ADV\"]}]}", StandardCharsets.UTF_8);
        InputException e = assertThrows(InputException.class, () -> LabelGroups.read(bad, LABELS));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("UPOS=ADV"), e.getMessage());
        Files.writeString(bad, "{\"groups\": [{\"name\": \"A\", \"rule\": \"exactly-one\", \"labels\": [\"FREE\"]},"
                + "{\"name\": \"B\", \"rule\": \"at-most-one\", \"labels\": [\"FREE\"]}]}", StandardCharsets.UTF_8);
        e = assertThrows(InputException.class, () -> LabelGroups.read(bad, LABELS));
        assertTrue(e.getMessage().contains("two groups"), e.getMessage());
        Files.writeString(bad, "{\"groups\": [{\"name\": \"A\", \"rule\": \"one\", \"labels\": []}]}",
                StandardCharsets.UTF_8);
        e = assertThrows(InputException.class, () -> LabelGroups.read(bad, LABELS));
        assertTrue(e.getMessage().contains("rule"), e.getMessage());
    }

    @Test
    void decodingFolderRoundTrip(@TempDir Path dir) throws Exception {
        LabelGroups g = LabelGroups.auto(LABELS);
        SeenLabelSets seen = SeenLabelSets.collect(g, List.of(new int[] {0, 4, 6}, new int[] {1}, new int[] {0, 4}));
        assertEquals(2, seen.size());
        assertArrayEquals(new int[] {0, 4}, seen.set(0), "free labels are not part of a set; most frequent first");
        assertEquals(2, seen.count(0));
        float[] t = half();
        t[3] = 0.25f;
        Decoding d = new Decoding(g, seen, Map.of(DecodingMode.INDEPENDENT, Thresholds.uniform(LABELS, 0.4f),
                DecodingMode.GROUPS, Thresholds.of(LABELS, t)), DecodingMode.LABEL_SETS);
        d.write(dir);
        Decoding back = Decoding.read(dir, LABELS);
        assertEquals(DecodingMode.LABEL_SETS, back.defaultMode());
        assertEquals(g, back.groups());
        assertEquals(2, back.seen().size());
        assertEquals(0.25f, back.thresholds(DecodingMode.GROUPS).get(3));
        assertEquals(0.4f, back.thresholds(DecodingMode.INDEPENDENT).get(3));
        assertEquals(0.4f, back.thresholds(DecodingMode.LABEL_SETS).get(3), "no own thresholds: independent's");
        // writing a setup without groups removes the old groups and sets: they would be read back with it
        Decoding.independent(Thresholds.uniform(LABELS, 0.3f)).write(dir);
        assertTrue(!Files.exists(dir.resolve(LabelGroups.FILE)) && !Files.exists(dir.resolve(SeenLabelSets.FILE)));
        assertEquals(List.of(DecodingMode.INDEPENDENT), Decoding.read(dir, LABELS).modes());
        // a folder without any of the files decodes independently at its thresholds.json (or 0.5)
        Path plain = Files.createDirectory(dir.resolve("plain"));
        assertEquals(DecodingMode.INDEPENDENT, Decoding.read(plain, LABELS).defaultMode());
        assertThrows(IllegalArgumentException.class, () -> Decoding.read(plain, LABELS).decoder(DecodingMode.GROUPS));
        Files.writeString(dir.resolve(Decoding.FILE), "{\"default\": \"best\"}", StandardCharsets.UTF_8);
        InputException e = assertThrows(InputException.class, () -> Decoding.read(dir, LABELS));
        assertTrue(e.getMessage().contains(Decoding.FILE), e.getMessage());
    }
}
