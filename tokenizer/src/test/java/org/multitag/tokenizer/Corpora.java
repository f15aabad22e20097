package org.multitag.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/** Test texts: the committed corpora (see resources/corpora/README.md) and seeded fuzz. */
final class Corpora {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Corpora() {}

    /** A line of a corpus: where it came from and its text. */
    record Text(String source, String text) {}

    static List<Text> load(String name) {
        String resource = "corpora/" + name + ".jsonl.gz";
        try (InputStream raw = Corpora.class.getClassLoader().getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("missing test corpus " + resource);
            }
            List<Text> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                out.add(new Text(n.path("source").asText(), n.path("text").asText()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Random texts mixing code points from every part of Unicode with whitespace, control characters, CJK,
     * emoji sequences, combining marks, very long words and special-token look-alikes.
     */
    static List<Text> fuzz(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] spaces = {' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x1680, 0x2000, 0x2007, 0x200A, 0x2028, 0x2029,
            0x202F, 0x205F, 0x3000, 0x180E, 0x200B, 0xFEFF};
        int[] controls = {0, 1, 7, 0x1B, 0x7F, 0x80, 0x9F, 0xAD, 0x200C, 0x200D, 0x200E, 0x2066, 0xFFFD, 0xFFFE,
            0xE000, 0xF8FF, 0xF0000, 0xE0001, 0xE0041};
        String[] specials = {"[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[mask]", "[MASK", "MASK]"};
        String[] emoji = {"😀", "👩‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "1️⃣", "👍🏽", "🧑‍💻", "🫠", "🥺"};
        List<Text> out = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            StringBuilder sb = new StringBuilder();
            int pieces = 1 + rnd.nextInt(40);
            for (int p = 0; p < pieces; p++) {
                switch (rnd.nextInt(12)) {
                    case 0 -> sb.appendCodePoint(spaces[rnd.nextInt(spaces.length)]);
                    case 1 -> sb.appendCodePoint(controls[rnd.nextInt(controls.length)]);
                    case 2 -> sb.append(specials[rnd.nextInt(specials.length)]);
                    case 3 -> sb.append(emoji[rnd.nextInt(emoji.length)]);
                    case 4 -> sb.appendCodePoint(0x4E00 + rnd.nextInt(0x5200)); // CJK
                    case 5 -> sb.appendCodePoint(0x300 + rnd.nextInt(0x70)); // combining marks
                    case 6 -> { // a long word, sometimes past max_input_chars_per_word
                        int n = rnd.nextInt(10) == 0 ? 90 + rnd.nextInt(30) : 3 + rnd.nextInt(15);
                        for (int i = 0; i < n; i++) {
                            sb.append((char) ('a' + rnd.nextInt(26)));
                        }
                    }
                    case 7 -> { // any assigned or unassigned code point, no surrogates
                        int cp;
                        do {
                            cp = rnd.nextInt(0x110000);
                        } while (cp >= 0xD800 && cp <= 0xDFFF);
                        sb.appendCodePoint(cp);
                    }
                    case 8 -> sb.appendCodePoint(rnd.nextInt(0x3000)); // BMP scripts
                    case 9 -> sb.append("Ünïcödé ÀÉÎÕÜ İı ǅ ẞ ﬀ ㎏");
                    default -> sb.append(rnd.nextBoolean() ? " word" : "Punct!?,.");
                }
            }
            out.add(new Text("fuzz:" + seed + ":" + t, sb.toString()));
        }
        return out;
    }
}
