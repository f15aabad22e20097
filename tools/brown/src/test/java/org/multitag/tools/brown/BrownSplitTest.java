package org.multitag.tools.brown;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.tools.brown.BrownSplit.Part;

class BrownSplitTest {

    private static Map<String, String> genre(String letter, int n, String name) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            m.put(String.format("c%s%02d", letter, i), name);
        }
        return m;
    }

    private static List<String> files(Map<String, Part> split, Part part) {
        List<String> out = new ArrayList<>();
        split.forEach((f, p) -> {
            if (p == part) {
                out.add(f);
            }
        });
        return out;
    }

    @Test
    void smallGenreGetsOneDevAndOneTestFile() {
        // science fiction: 6 files, k = 1
        Map<String, Part> s = BrownSplit.assign(genre("m", 6, "science_fiction"));
        assertEquals(List.of("cm01", "cm02", "cm03", "cm04"), files(s, Part.TRAIN));
        assertEquals(List.of("cm05"), files(s, Part.DEV));
        assertEquals(List.of("cm06"), files(s, Part.TEST));
    }

    @Test
    void blocksSpreadDevAndTestOverTheGenre() {
        // news: 44 files, k = round(4.4) = 4 blocks of 11
        Map<String, Part> s = BrownSplit.assign(genre("a", 44, "news"));
        assertEquals(List.of("ca10", "ca21", "ca32", "ca43"), files(s, Part.DEV));
        assertEquals(List.of("ca11", "ca22", "ca33", "ca44"), files(s, Part.TEST));
        assertEquals(36, files(s, Part.TRAIN).size());
        // belles lettres: 75 files, k = round(7.5) = 8, blocks of 9 or 10
        s = BrownSplit.assign(genre("g", 75, "belles_lettres"));
        assertEquals(List.of("cg09", "cg18", "cg28", "cg37", "cg46", "cg56", "cg65", "cg75"), files(s, Part.TEST));
        assertEquals(8, files(s, Part.DEV).size());
    }

    @Test
    void genresAreSplitIndependentlyWhateverTheInputOrder() {
        Map<String, String> both = new LinkedHashMap<>(genre("r", 9, "humor"));
        both.putAll(genre("a", 44, "news"));
        Map<String, Part> s = BrownSplit.assign(both);
        assertEquals(53, s.size());
        assertEquals("ca01", s.keySet().iterator().next());
        assertEquals(List.of("ca10", "ca21", "ca32", "ca43", "cr08"), files(s, Part.DEV));
        assertEquals(List.of("ca11", "ca22", "ca33", "ca44", "cr09"), files(s, Part.TEST));
    }
}
