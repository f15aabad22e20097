package org.multitag.tokenizer.normalizer;

/**
 * Character classes as Hugging Face {@code tokenizers} sees them, one flag byte per code point.
 *
 * <p>HF's BERT normalizer and pre-tokenizer take their classes from Rust ({@code char::is_whitespace},
 * {@code char::to_lowercase}) and from the {@code unicode_categories} and {@code unicode-normalization-alignments}
 * crates, whose Unicode versions differ from the JDK's (Java 17 ships Unicode 13). The defaults below come from
 * the JDK; {@link UnicodeOverrides} lists every code point where HF was measured to differ.
 */
public final class UnicodeTables {

    /** Dropped by {@code clean_text}: HF's {@code is_control} (other categories, but not tab/newline/return). */
    public static final int CONTROL = 1;
    /** Rust {@code char::is_whitespace}: the Unicode White_Space property. */
    public static final int WHITESPACE = 1 << 1;
    /** BERT punctuation: ASCII punctuation or a Unicode P* category. */
    public static final int PUNCTUATION = 1 << 2;
    /** Nonspacing mark (Mn): dropped when stripping accents. */
    public static final int NONSPACING_MARK = 1 << 3;
    /** CJK ideograph ranges that BERT surrounds with spaces. */
    public static final int CHINESE = 1 << 4;
    /** May have a canonical decomposition (the exact one is looked up lazily). */
    public static final int MAY_DECOMPOSE = 1 << 5;
    /** Has a lowercase mapping different from itself. */
    public static final int HAS_LOWERCASE = 1 << 6;
    /** A combining mark (Mn or Mc): the only code points canonical reordering can move. */
    public static final int COMBINING = 1 << 7;

    /** The Unicode White_Space property (what Rust's {@code char::is_whitespace} tests). */
    private static final int[] WHITE_SPACE = {
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
        0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };

    /**
     * The "Chinese character" blocks of HF's BertNormalizer, inclusive ranges. HF starts the fourth range at
     * U+2B920 where Google's BERT has U+2B820, so U+2B820..U+2B91F are not padded (measured).
     */
    private static final int[] CHINESE_RANGES = {
        0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F,
        0x2B740, 0x2B81F, 0x2B920, 0x2CEAF, 0xF900, 0xFAFF, 0x2F800, 0x2FA1F,
    };

    // After the tables above: class initialization runs in declaration order.
    private static final byte[] FLAGS = build();

    private UnicodeTables() {}

    public static int flags(int cp) {
        return FLAGS[cp] & 0xFF;
    }

    public static boolean is(int cp, int flag) {
        return (FLAGS[cp] & 0xFF & flag) != 0;
    }

    private static byte[] build() {
        byte[] f = new byte[Character.MAX_CODE_POINT + 1];
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            int type = Character.getType(cp);
            int flags = 0;
            switch (type) {
                // HF's is_other: Cc, Cf, Co. Unassigned code points stay (as letters). Lone surrogates, which
                // only a Java string can hold, are dropped like U+FFFD.
                case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE ->
                        flags |= CONTROL;
                case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                        Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                        Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> flags |= PUNCTUATION;
                case Character.NON_SPACING_MARK -> flags |= NONSPACING_MARK | COMBINING;
                case Character.COMBINING_SPACING_MARK -> flags |= COMBINING;
                default -> { }
            }
            if (cp < 0x80 && isAsciiPunctuation(cp)) {
                flags |= PUNCTUATION;
            }
            if (cp >= 0xC0 && type != Character.UNASSIGNED && type != Character.SURROGATE
                    && type != Character.PRIVATE_USE) {
                flags |= MAY_DECOMPOSE;
            }
            if (Character.toLowerCase(cp) != cp || cp == 0x130) {
                flags |= HAS_LOWERCASE;
            }
            f[cp] = (byte) flags;
        }
        // Tab, newline and carriage return are whitespace, never control, in BERT's rules.
        for (int cp : new int[] {'\t', '\n', '\r'}) {
            f[cp] &= ~CONTROL;
        }
        for (int cp : WHITE_SPACE) {
            f[cp] |= WHITESPACE;
        }
        for (int i = 0; i < CHINESE_RANGES.length; i += 2) {
            for (int cp = CHINESE_RANGES[i]; cp <= CHINESE_RANGES[i + 1]; cp++) {
                f[cp] |= CHINESE;
            }
        }
        UnicodeOverrides.apply(f);
        return f;
    }

    private static boolean isAsciiPunctuation(int cp) {
        return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60)
                || (cp >= 0x7B && cp <= 0x7E);
    }
}
