package org.multitag.tokenizer.normalizer;

/**
 * Code points where Hugging Face tokenizers' character data differs from the JDK's (Java 17: Unicode 13.0).
 *
 * <p>Measured on every code point through HF tokenizers 0.21.4 (as bundled in DJL 0.38.0; see
 * {@code tools/fixtures/HfUnicodeProbe.java}), whose sources are: {@code unicode_categories} 0.1.1 (Unicode 8.0) for
 * control, punctuation and nonspacing marks; {@code unicode-normalization-alignments} 0.1.12 (Unicode 9.0) for
 * NFD; Rust std (Unicode 17.0) for lowercase and whitespace. {@code UnicodeParityTest} checks these tables
 * against the measured behaviour of all 1,112,064 code points.
 */
final class UnicodeOverrides {

    private UnicodeOverrides() {}

    static void apply(byte[] flags) {
        clear(flags, NOT_CONTROL, UnicodeTables.CONTROL);
        set(flags, PUNCTUATION_ADDED, UnicodeTables.PUNCTUATION);
        clear(flags, PUNCTUATION_REMOVED, UnicodeTables.PUNCTUATION);
        clear(flags, NOT_NONSPACING, UnicodeTables.NONSPACING_MARK);
        for (int i = 0; i < LOWERCASE.length; i += 3) {
            for (int cp = LOWERCASE[i]; cp <= LOWERCASE[i + 1]; cp++) {
                flags[cp] |= UnicodeTables.HAS_LOWERCASE;
            }
        }
    }

    /** HF's decomposition of {@code cp} where it differs from the JDK's, else {@code null}. */
    static int[] decomposition(int cp) {
        // U+11938 DIVES AKURU VOWEL SIGN O decomposes since Unicode 13.0, after HF's tables (9.0).
        return cp == 0x11938 ? new int[0] : null;
    }

    /** Whether HF's NFD gives {@code cp} combining class 0 although the JDK's does not. */
    static boolean combiningClassZero(int cp) {
        return inRanges(COMBINING_CLASS_ZERO, cp);
    }

    /** HF's lowercase mapping of {@code cp} where it differs from the JDK's, else {@code -1}. */
    static int lowercase(int cp) {
        for (int i = 0; i < LOWERCASE.length; i += 3) {
            if (cp >= LOWERCASE[i] && cp <= LOWERCASE[i + 1]) {
                return cp + LOWERCASE[i + 2];
            }
        }
        return -1;
    }

    private static void set(byte[] flags, int[] ranges, int flag) {
        for (int i = 0; i < ranges.length; i += 2) {
            for (int cp = ranges[i]; cp <= ranges[i + 1]; cp++) {
                flags[cp] |= (byte) flag;
            }
        }
    }

    private static void clear(byte[] flags, int[] ranges, int flag) {
        for (int i = 0; i < ranges.length; i += 2) {
            for (int cp = ranges[i]; cp <= ranges[i + 1]; cp++) {
                flags[cp] &= (byte) ~flag;
            }
        }
    }

    private static boolean inRanges(int[] ranges, int cp) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (cp >= ranges[i] && cp <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lowercase mappings from Unicode 14.0-17.0 that Java 17 lacks: {first, last, delta}. U+0130's two-character mapping is handled by the normalizer itself.
     */
    private static final int[] LOWERCASE = {
        0x1C89, 0x1C89, 1, 0x2C2F, 0x2C2F, 0x30, 0xA7C0, 0xA7C0, 1, 0xA7CB, 0xA7CB, 0x264 - 0xA7CB,
        0xA7DC, 0xA7DC, 0x19B - 0xA7DC, 0xA7CC, 0xA7CC, 1, 0xA7CE, 0xA7CE, 1, 0xA7D0, 0xA7D0, 1, 0xA7D2, 0xA7D2, 1,
        0xA7D4, 0xA7D4, 1, 0xA7D6, 0xA7D6, 1, 0xA7D8, 0xA7D8, 1, 0xA7DA, 0xA7DA, 1,
        0x10570, 0x1057A, 0x27, 0x1057C, 0x1058A, 0x27, 0x1058C, 0x10592, 0x27, 0x10594, 0x10595, 0x27,
        0x10D50, 0x10D65, 0x20, 0x16EA0, 0x16EB8, 0x1B,
    };

    /** Format characters (Cf) assigned after Unicode 8.0: HF does not drop them (11 code points; inclusive ranges). */
    private static final int[] NOT_CONTROL = {
        0x8E2, 0x8E2, 0x110CD, 0x110CD, 0x13430, 0x13438,
    };
    /** Punctuation in Unicode 8.0 that later versions moved out of P* (2 code points; inclusive ranges). */
    private static final int[] PUNCTUATION_ADDED = {
        0x166D, 0x166D, 0x111C9, 0x111C9,
    };
    /** P* characters assigned after Unicode 8.0: not punctuation to HF (83 code points; inclusive ranges). */
    private static final int[] PUNCTUATION_REMOVED = {
        0x9FD, 0x9FD, 0xA76, 0xA76, 0xC77, 0xC77, 0xC84, 0xC84, 0x2E43, 0x2E4F, 0x2E52, 0x2E52,
        0x10EAD, 0x10EAD, 0x10F55, 0x10F59, 0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145D,
        0x11660, 0x1166C, 0x1183B, 0x1183B, 0x11944, 0x11946, 0x119E2, 0x119E2, 0x11A3F, 0x11A46,
        0x11A9A, 0x11A9C, 0x11A9E, 0x11AA2, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11EF7, 0x11EF8,
        0x11FFF, 0x11FFF, 0x16E97, 0x16E9A, 0x16FE2, 0x16FE2, 0x1E95E, 0x1E95F,
    };
    /** Mn characters assigned after Unicode 8.0: HF keeps them when stripping accents (272 code points; inclusive ranges). */
    private static final int[] NOT_NONSPACING = {
        0x7FD, 0x7FD, 0x8D3, 0x8E1, 0x9FE, 0x9FE, 0xAFA, 0xAFF, 0xB55, 0xB55, 0xC04, 0xC04, 0xD00, 0xD00,
        0xD3B, 0xD3C, 0xD81, 0xD81, 0xEBA, 0xEBA, 0x1885, 0x1886, 0x1ABF, 0x1AC0, 0x1DF6, 0x1DF9,
        0x1DFB, 0x1DFB, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10D27,
        0x10EAB, 0x10EAC, 0x10F46, 0x10F50, 0x111C9, 0x111C9, 0x111CF, 0x111CF, 0x1123E, 0x1123E,
        0x1133B, 0x1133B, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446, 0x1145E, 0x1145E,
        0x1182F, 0x11837, 0x11839, 0x1183A, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11943,
        0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x11A01, 0x11A0A, 0x11A33, 0x11A38,
        0x11A3B, 0x11A3E, 0x11A47, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96,
        0x11A98, 0x11A99, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C92, 0x11CA7,
        0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36, 0x11D3A, 0x11D3A,
        0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91, 0x11D95, 0x11D95,
        0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x16F4F, 0x16F4F, 0x16FE4, 0x16FE4, 0x1E000, 0x1E006,
        0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E130, 0x1E136,
        0x1E2EC, 0x1E2EF, 0x1E944, 0x1E94A,
    };
    /** Marks HF's Unicode 9.0 NFD gives combining class 0 (never reordered), unlike the JDK (59 code points; inclusive ranges). */
    private static final int[] COMBINING_CLASS_ZERO = {
        0x7FD, 0x7FD, 0x8D3, 0x8D3, 0x9FE, 0x9FE, 0xD3B, 0xD3C, 0xEBA, 0xEBA, 0x1ABF, 0x1AC0, 0x1DF6, 0x1DF9,
        0xA82C, 0xA82C, 0x10D24, 0x10D27, 0x10EAB, 0x10EAC, 0x10F46, 0x10F50, 0x1133B, 0x1133B,
        0x1145E, 0x1145E, 0x11839, 0x1183A, 0x11938, 0x11938, 0x1193D, 0x1193E, 0x11943, 0x11943,
        0x119E0, 0x119E0, 0x11A34, 0x11A34, 0x11A47, 0x11A47, 0x11A99, 0x11A99, 0x11D42, 0x11D42,
        0x11D44, 0x11D45, 0x11D97, 0x11D97, 0x16FF0, 0x16FF1, 0x1E130, 0x1E136, 0x1E2EC, 0x1E2EF,
    };
}
