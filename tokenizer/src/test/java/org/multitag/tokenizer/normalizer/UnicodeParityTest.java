package org.multitag.tokenizer.normalizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.multitag.tokenizer.pretokenizer.BertPreTokenizer;

/**
 * Every code point, through our normalizer and pre-tokenizer, behaves as HF tokenizers was measured to behave
 * (resources/unicode/hf-tokenizers-0.21-codepoints.tsv.gz, made by tools/fixtures/HfUnicodeProbe.java from
 * "a" + X + "a" in three configurations).
 */
class UnicodeParityTest {

    /** A: lowercase (and so strip accents); B: neither; C: strip accents only. */
    private static final BertNormalizer[] CONFIGS = {
        new BertNormalizer(true, true, null, true),
        new BertNormalizer(true, true, false, false),
        new BertNormalizer(true, true, true, false),
    };

    @Test
    void everyCodePointMatchesHf() throws IOException {
        Map<Integer, String[]> measured = load();
        NormalizedString s = new NormalizedString();
        BertPreTokenizer pre = new BertPreTokenizer();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            String[] expected = measured.getOrDefault(cp, new String[] {"N", "=", "N", "=", "N", "="});
            String text = "a" + new String(Character.toChars(cp)) + "a";
            for (int c = 0; c < CONFIGS.length; c++) {
                s.reset(text, 0, text.length());
                CONFIGS[c].normalize(s);
                String[] actual = classify(s, pre, cp);
                if (!actual[0].equals(expected[2 * c]) || !actual[1].equals(expected[2 * c + 1])) {
                    if (mismatches.size() < 20) {
                        mismatches.add(String.format("U+%04X config %c: hf %s %s, ours %s %s", cp, "ABC".charAt(c),
                                expected[2 * c], expected[2 * c + 1], actual[0], actual[1]));
                    }
                }
                checked++;
            }
        }
        assertEquals(List.of(), mismatches, "of " + checked + " (code point, config) pairs");
    }

    /** HF probe's classes: D dropped, W whitespace, I isolated word, N inside the word; and X's output. */
    private static String[] classify(NormalizedString s, BertPreTokenizer pre, int cp) {
        List<String> words = new ArrayList<>();
        pre.preTokenize(s, 0, s.length(), (from, to) -> words.add(new String(s.codePoints(), from, to - from)));
        String joined = String.join("", words);
        if (words.size() == 1 && joined.equals("aa")) {
            return new String[] {"D", "-"};
        }
        if (words.size() == 2 && joined.equals("aa")) {
            return new String[] {"W", "-"};
        }
        if (words.size() >= 3 && words.get(0).equals("a") && words.get(words.size() - 1).equals("a")) {
            return new String[] {"I", hex(String.join("", words.subList(1, words.size() - 1)), cp)};
        }
        if (words.size() == 1 && joined.startsWith("a") && joined.endsWith("a")) {
            return new String[] {"N", hex(joined.substring(1, joined.length() - 1), cp)};
        }
        return new String[] {"X", String.join("|", words)};
    }

    private static String hex(String out, int cp) {
        if (out.isEmpty()) {
            return "-";
        }
        if (out.codePointCount(0, out.length()) == 1 && out.codePointAt(0) == cp) {
            return "=";
        }
        StringBuilder sb = new StringBuilder();
        out.codePoints().forEach(c -> sb.append(sb.isEmpty() ? "" : " ").append(Integer.toHexString(c).toUpperCase()));
        return sb.toString();
    }

    private static Map<Integer, String[]> load() throws IOException {
        Map<Integer, String[]> m = new HashMap<>();
        try (InputStream in = UnicodeParityTest.class.getResourceAsStream(
                "/unicode/hf-tokenizers-0.21-codepoints.tsv.gz");
                BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                        StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                m.put(Integer.parseInt(f[0], 16), new String[] {f[1], f[2], f[3], f[4], f[5], f[6]});
            }
        }
        return m;
    }
}
