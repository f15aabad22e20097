package org.multitag.tokenizer.normalizer;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Canonical (NFD) decompositions per code point, computed lazily one 256-code-point block at a time from the
 * JDK's normalizer, with {@link UnicodeOverrides} applied where HF's tables differ.
 */
final class Decompositions {

    private static final int[] NONE = new int[0];
    private static final AtomicReferenceArray<int[][]> BLOCKS =
            new AtomicReferenceArray<>((Character.MAX_CODE_POINT + 1) >> 8);

    private Decompositions() {}

    /** The full canonical decomposition of {@code cp}, or an empty array when it decomposes to itself. */
    static int[] of(int cp) {
        int b = cp >>> 8;
        int[][] block = BLOCKS.get(b);
        if (block == null) {
            block = computeBlock(b);
            BLOCKS.compareAndSet(b, null, block);
        }
        return block[cp & 0xFF];
    }

    private static int[][] computeBlock(int b) {
        int[][] block = new int[256][];
        for (int i = 0; i < 256; i++) {
            int cp = (b << 8) | i;
            int[] d = NONE;
            if (UnicodeTables.is(cp, UnicodeTables.MAY_DECOMPOSE)) {
                d = UnicodeOverrides.decomposition(cp);
                if (d == null) {
                    String s = new String(Character.toChars(cp));
                    String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
                    d = n.equals(s) ? NONE : n.codePoints().toArray();
                }
            }
            block[i] = d;
        }
        return block;
    }
}
