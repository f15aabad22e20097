package org.multitag.tokenizer.normalizer;

import static org.multitag.tokenizer.normalizer.UnicodeTables.CHINESE;
import static org.multitag.tokenizer.normalizer.UnicodeTables.COMBINING;
import static org.multitag.tokenizer.normalizer.UnicodeTables.CONTROL;
import static org.multitag.tokenizer.normalizer.UnicodeTables.HAS_LOWERCASE;
import static org.multitag.tokenizer.normalizer.UnicodeTables.MAY_DECOMPOSE;
import static org.multitag.tokenizer.normalizer.UnicodeTables.NONSPACING_MARK;
import static org.multitag.tokenizer.normalizer.UnicodeTables.WHITESPACE;

import java.util.Arrays;

/**
 * BERT's normalizer, as Hugging Face's {@code BertNormalizer}: clean text, pad CJK ideographs with spaces,
 * strip accents (NFD, then drop nonspacing marks), lowercase; in that order.
 *
 * <p>Each step rewrites code points and their alignment to the original together, following HF's
 * {@code NormalizedString} rules: a replacing character keeps the alignment of the character it replaces,
 * an inserted one takes the alignment of the last character consumed.
 */
public final class BertNormalizer implements Normalizer {

    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    /**
     * @param stripAccents {@code null} means "follow {@code lowercase}", as in HF
     */
    public BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents == null ? lowercase : stripAccents;
        this.lowercase = lowercase;
    }

    public boolean lowercase() {
        return lowercase;
    }

    public boolean stripAccents() {
        return stripAccents;
    }

    @Override
    public void normalize(NormalizedString s) {
        if (s.maxCodePoint() < 0x80) {
            normalizeAscii(s);
            return;
        }
        if (cleanText) {
            cleanText(s);
        }
        if (handleChineseChars) {
            padChinese(s);
        }
        if (stripAccents && s.maxCodePoint() >= 0xC0) {
            stripAccents(s);
        }
        if (lowercase) {
            lowercase(s);
        }
    }

    /** All four steps in one pass, for text without any non-ASCII code point. */
    private void normalizeAscii(NormalizedString s) {
        if (!cleanText && !lowercase) {
            return;
        }
        int n = s.length();
        int[] cps = s.codePoints();
        s.beginTransform();
        for (int i = 0; i < n; i++) {
            int cp = cps[i];
            if (cleanText) {
                int f = UnicodeTables.flags(cp);
                if (cp == 0 || (f & CONTROL) != 0) {
                    continue;
                }
                if ((f & WHITESPACE) != 0) {
                    cp = ' ';
                }
            }
            if (lowercase && cp >= 'A' && cp <= 'Z') {
                cp += 'a' - 'A';
            }
            s.emit(cp, s.originalStart(i), s.originalEnd(i));
        }
        s.commitTransform();
    }

    private static void cleanText(NormalizedString s) {
        int n = s.length();
        int[] cps = s.codePoints();
        s.beginTransform();
        for (int i = 0; i < n; i++) {
            int cp = cps[i];
            int f = UnicodeTables.flags(cp);
            if (cp == 0 || cp == 0xFFFD || (f & CONTROL) != 0) {
                continue;
            }
            s.emit((f & WHITESPACE) != 0 ? ' ' : cp, s.originalStart(i), s.originalEnd(i));
        }
        s.commitTransform();
    }

    private static void padChinese(NormalizedString s) {
        int n = s.length();
        int[] cps = s.codePoints();
        s.beginTransform();
        for (int i = 0; i < n; i++) {
            int cp = cps[i];
            int start = s.originalStart(i);
            int end = s.originalEnd(i);
            if (UnicodeTables.is(cp, CHINESE)) {
                s.emit(' ', start, end);
                s.emit(cp, start, end);
                s.emit(' ', start, end);
            } else {
                s.emit(cp, start, end);
            }
        }
        s.commitTransform();
    }

    /**
     * NFD, then drop nonspacing marks. Decomposed characters after the first are "inserted" and align to the
     * character they came from. When canonical reordering moves marks (rare), alignment follows position, as
     * HF's transform consumes original characters in order.
     */
    private static void stripAccents(NormalizedString s) {
        int n = s.length();
        int[] cps = s.codePoints();
        // Decompose into a scratch list of (code point, inserted?) pairs.
        int[] dec = new int[n + 8];
        boolean[] inserted = new boolean[n + 8];
        int m = 0;
        boolean mayReorder = false;
        int prevFlags = 0;
        for (int i = 0; i < n; i++) {
            int cp = cps[i];
            int[] d = UnicodeTables.is(cp, MAY_DECOMPOSE) ? Decompositions.of(cp) : null;
            boolean decomposes = d != null && d.length > 0;
            int k = decomposes ? d.length : 1;
            if (m + k > dec.length) {
                int cap = Math.max(m + k, dec.length * 2);
                dec = Arrays.copyOf(dec, cap);
                inserted = Arrays.copyOf(inserted, cap);
            }
            for (int j = 0; j < k; j++) {
                int c = decomposes ? d[j] : cp;
                int f = UnicodeTables.flags(c);
                if ((f & COMBINING) != 0 && (prevFlags & COMBINING) != 0) {
                    mayReorder = true;
                }
                prevFlags = f;
                dec[m] = c;
                inserted[m] = j > 0;
                m++;
            }
        }
        if (mayReorder) {
            reorder(dec, inserted, m);
        }
        s.beginTransform();
        int consumed = 0;
        for (int i = 0; i < m; i++) {
            int start;
            int end;
            if (!inserted[i]) {
                start = s.originalStart(consumed);
                end = s.originalEnd(consumed);
                consumed++;
            } else if (consumed > 0) {
                start = s.originalStart(consumed - 1);
                end = s.originalEnd(consumed - 1);
            } else {
                start = 0;
                end = 0;
            }
            if (!UnicodeTables.is(dec[i], NONSPACING_MARK)) {
                s.emit(dec[i], start, end);
            }
        }
        s.commitTransform();
    }

    /**
     * Applies canonical ordering to decomposed text. The JDK gives reordered text but not combining classes, so
     * each reordered code point is matched to its first unused occurrence in the input order: that is the stable
     * sort HF performs, and it carries each code point's "inserted" flag along. Marks that HF's older tables
     * give class 0 never move, so they bound the segments handed to the JDK.
     */
    private static void reorder(int[] dec, boolean[] inserted, int m) {
        int start = 0;
        for (int i = 0; i <= m; i++) {
            if (i == m || UnicodeOverrides.combiningClassZero(dec[i])) {
                if (i - start > 1) {
                    reorderSegment(dec, inserted, start, i);
                }
                start = i + 1;
            }
        }
    }

    private static void reorderSegment(int[] dec, boolean[] inserted, int from, int to) {
        int m = to - from;
        String decomposed = new String(dec, from, m);
        int[] sorted = java.text.Normalizer.normalize(decomposed, java.text.Normalizer.Form.NFD).codePoints().toArray();
        if (sorted.length != m) {
            return; // The JDK knows a decomposition HF does not; keep HF's order.
        }
        boolean[] used = new boolean[m];
        boolean[] newInserted = new boolean[m];
        int firstUnused = 0;
        for (int i = 0; i < m; i++) {
            int j = firstUnused;
            while (j < m && (used[j] || dec[from + j] != sorted[i])) {
                j++;
            }
            if (j == m) {
                return;
            }
            used[j] = true;
            newInserted[i] = inserted[from + j];
            while (firstUnused < m && used[firstUnused]) {
                firstUnused++;
            }
        }
        System.arraycopy(sorted, 0, dec, from, m);
        System.arraycopy(newInserted, 0, inserted, from, m);
    }

    private static void lowercase(NormalizedString s) {
        int n = s.length();
        int[] cps = s.codePoints();
        s.beginTransform();
        for (int i = 0; i < n; i++) {
            int cp = cps[i];
            int start = s.originalStart(i);
            int end = s.originalEnd(i);
            if (!UnicodeTables.is(cp, HAS_LOWERCASE)) {
                s.emit(cp, start, end);
            } else if (cp == 0x130) {
                // The one unconditional multi-character lowercase mapping: İ -> i + combining dot above.
                s.emit('i', start, end);
                s.emit(0x307, start, end);
            } else {
                int lower = UnicodeOverrides.lowercase(cp);
                s.emit(lower >= 0 ? lower : Character.toLowerCase(cp), start, end);
            }
        }
        s.commitTransform();
    }
}
