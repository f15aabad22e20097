package org.multitag.tools.brown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.multitag.tools.brown.BrownSplit.Part;

/**
 * Checks the committed bundle in {@code data/brown/} against its README, its labels file, the split rule and the
 * cast: reads all three gzip files once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrownBundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private String readme;
    private List<String> labelsFile;
    private final Map<Part, long[]> counts = new HashMap<>(); // files, sentences, tokens, tokens with >= 2 labels
    private final Map<Part, Set<String>> filesOf = new HashMap<>();
    private final Map<String, String> genreOf = new TreeMap<>();
    private final Map<String, Long> labelCounts = new TreeMap<>();
    private final Map<Integer, Long> setSizes = new TreeMap<>();
    private final Set<String> fallbackTags = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, JsonNode> sample = new HashMap<>();

    @BeforeAll
    void readBundle() throws IOException {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isRegularFile(d.resolve("data/brown/labels.txt"))) {
            d = d.getParent();
        }
        assertNotNull(d, "data/brown/ not found above " + Path.of("").toAbsolutePath());
        dir = d.resolve("data/brown");
        readme = Files.readString(dir.resolve("README.md"));
        labelsFile = Files.readAllLines(dir.resolve("labels.txt"));
        for (Part p : Part.values()) {
            read(p);
        }
    }

    private void read(Part part) throws IOException {
        long[] c = new long[4];
        Set<String> files = new LinkedHashSet<>();
        counts.put(part, c);
        filesOf.put(part, files);
        Path file = dir.resolve(part.fileStem() + ".jsonl.gz");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                String at = file.getFileName() + ":" + number;
                JsonNode n = JSON.readTree(line);
                String f = n.get("file").asText();
                String g = n.get("genre").asText();
                files.add(f);
                String prev = genreOf.put(f, g);
                if (prev != null && !prev.equals(g)) {
                    problems.add(at + ": file " + f + " has genres " + prev + " and " + g);
                }
                JsonNode tokens = n.get("tokens");
                JsonNode labels = n.get("labels");
                JsonNode tags = n.get("tags");
                if (tokens.size() == 0 || labels.size() != tokens.size() || tags.size() != tokens.size()) {
                    problems.add(at + ": lengths differ or empty");
                    continue;
                }
                c[1]++;
                for (int i = 0; i < tokens.size(); i++) {
                    if (tokens.get(i).asText().isEmpty()) {
                        problems.add(at + ": empty word " + i);
                    }
                    List<String> set = new ArrayList<>();
                    labels.get(i).forEach(l -> set.add(l.asText()));
                    BrownTags.Cast cast = BrownTags.cast(tags.get(i).asText());
                    if (!cast.labels().equals(set)) {
                        problems.add(at + ": token " + i + " tag " + cast.tag() + " has " + set + ", cast gives "
                                + cast.labels());
                    }
                    if (!cast.fallbacks().isEmpty()) {
                        fallbackTags.add(cast.tag());
                    }
                    c[2]++;
                    if (set.size() >= 2) {
                        c[3]++;
                    }
                    setSizes.merge(set.size(), 1L, Long::sum);
                    for (String l : set) {
                        labelCounts.merge(l, 1L, Long::sum);
                    }
                }
                if (f.equals("ca38") && tokens.get(0).asText().equals("When")
                        && tokens.get(1).asText().equals("you're")) {
                    sample.put("ca38", n);
                }
            }
        }
        c[0] = files.size();
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
    }

    private static long num(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    @Test
    void countsMatchTheReadme() {
        Pattern row = Pattern.compile("(?m)^\\| (train|dev|test|all) \\| ([\\d,]+) \\| ([\\d,]+) \\| ([\\d,]+) \\| "
                + "([\\d,]+) \\(");
        Matcher m = row.matcher(readme);
        Map<String, long[]> table = new HashMap<>();
        while (m.find()) {
            assertNull(table.put(m.group(1), new long[] {num(m.group(2)), num(m.group(3)), num(m.group(4)),
                    num(m.group(5))}), m.group(1));
        }
        assertEquals(4, table.size(), "README counts table");
        long[] all = new long[4];
        for (Part p : Part.values()) {
            assertEquals(java.util.Arrays.toString(table.get(p.fileStem())), java.util.Arrays.toString(counts.get(p)),
                    p.fileStem() + ": files, sentences, tokens, tokens with >= 2 labels");
            for (int i = 0; i < 4; i++) {
                all[i] += counts.get(p)[i];
            }
        }
        assertEquals(java.util.Arrays.toString(table.get("all")), java.util.Arrays.toString(all));
        // the corpus as documented in the data-sources notes
        assertEquals(500, all[0]);
        assertEquals(57_340, all[1]);
        assertEquals(1_161_192, all[2]);
    }

    @Test
    void labelSetSizesAndFrequenciesMatchTheReadme() {
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| ([\\d,]+) \\| [\\d.]+ % \\|$").matcher(readme);
        Map<Integer, Long> sizes = new TreeMap<>();
        while (m.find()) {
            sizes.put(Integer.parseInt(m.group(1)), num(m.group(2)));
        }
        assertEquals(setSizes, sizes);
        m = Pattern.compile("(?m)^\\| `([^`|]+)` \\| ([\\d,]+) \\| [\\d.]+ % \\|$").matcher(readme);
        Map<String, Long> freq = new TreeMap<>();
        while (m.find()) {
            freq.put(m.group(1), num(m.group(2)));
        }
        assertEquals(labelCounts, freq);
        m = Pattern.compile("Label inventory: \\*\\*(\\d+) labels\\*\\*").matcher(readme);
        assertTrue(m.find());
        assertEquals(labelsFile.size(), Integer.parseInt(m.group(1)));
    }

    @Test
    void noFileIsInTwoSplitsAndTheSplitFollowsTheRule() {
        Set<String> seen = new HashSet<>();
        for (Part p : Part.values()) {
            for (String f : filesOf.get(p)) {
                assertTrue(seen.add(f), f + " is in two splits");
            }
        }
        assertEquals(500, seen.size());
        assertEquals(15, new HashSet<>(genreOf.values()).size());
        Map<String, Part> expected = BrownSplit.assign(genreOf);
        for (Part p : Part.values()) {
            for (String f : filesOf.get(p)) {
                assertEquals(expected.get(f), p, f);
            }
        }
        // every genre has dev and test files
        for (String genre : new HashSet<>(genreOf.values())) {
            for (Part p : Part.values()) {
                assertTrue(filesOf.get(p).stream().anyMatch(f -> genreOf.get(f).equals(genre)), genre + " " + p);
            }
        }
    }

    @Test
    void everyLabelIsInLabelsTxtWhichIsSortedAndExact() {
        assertEquals(new ArrayList<>(new TreeSet<>(labelsFile)), labelsFile, "sorted, no duplicates");
        assertTrue(labelsFile.containsAll(labelCounts.keySet()), "labels missing from labels.txt");
        assertEquals(labelCounts.keySet(), new TreeSet<>(labelsFile), "labels.txt lists an unused label");
        for (String l : labelsFile) {
            assertFalse(l.isBlank() || !l.strip().equals(l), l);
        }
    }

    @Test
    void onlyTheDocumentedNoisyTagsFallBack() {
        assertEquals(Set.of("fw-in+at-t", "ppss+ber-n", "wdt+ber+pp"), fallbackTags);
        for (String tag : fallbackTags) {
            assertTrue(readme.contains("| `" + tag + "` |"), tag + " not listed in the README");
        }
    }

    @Test
    void filesMatchTheSizesAndHashesInTheReadme() throws IOException {
        long total = 0;
        for (String f : List.of("train.jsonl.gz", "dev.jsonl.gz", "test.jsonl.gz", "labels.txt")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(f));
            total += bytes.length;
            String row = "| `" + f + "` | " + String.format(java.util.Locale.ROOT, "%,d", bytes.length) + " | `"
                    + BrownConverter.sha256(bytes) + "` |";
            assertTrue(readme.contains(row), "README row for " + f + ": " + row);
        }
        assertTrue(total <= 6_000_000, "bundle is " + total + " bytes");
    }

    @Test
    void aContractionSentenceIsBundledAsCast() {
        JsonNode n = sample.get("ca38");
        assertNotNull(n, "ca38 'When you're playing ...' not found");
        assertEquals("news", n.get("genre").asText());
        assertEquals("[\"PP\",\"Case=Nom\",\"BE\",\"VerbForm=Fin\",\"Tense=Pres\"]", n.get("labels").get(1).toString());
        assertEquals("[\"PP\",\"Case=Nom\",\"MD\",\"VerbForm=Fin\"]", n.get("labels").get(5).toString());
        assertEquals("''", n.get("tokens").get(8).asText());
    }
}
