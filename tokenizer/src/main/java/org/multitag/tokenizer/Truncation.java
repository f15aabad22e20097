package org.multitag.tokenizer;

/** Cuts one sequence or a pair to a length budget, as HF's {@code truncate_encodings}. */
final class Truncation {

    private Truncation() {}

    /**
     * Returns {a, b} truncated so that together they hold at most {@code params.maxLength()} tokens
     * (special tokens already subtracted by the caller). {@code b} may be null.
     */
    static Encoding[] truncate(Encoding a, Encoding b, TruncationParams params) {
        int max = params.maxLength();
        int stride = params.stride();
        TruncationParams.Direction dir = params.direction();
        if (max == 0) {
            return new Encoding[] {a.truncate(0, stride, dir), b == null ? null : b.truncate(0, stride, dir)};
        }
        int total = a.length() + (b == null ? 0 : b.length());
        if (total <= max) {
            return new Encoding[] {a, b};
        }
        int toRemove = total - max;
        switch (params.strategy()) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    return new Encoding[] {a.truncate(total - toRemove, stride, dir), null};
                }
                int n1 = a.length();
                int n2 = b.length();
                boolean swap = n1 > n2;
                if (swap) {
                    int t = n1;
                    n1 = n2;
                    n2 = t;
                }
                // n1 is now the shorter one: keep it whole if the longer one can absorb the cut.
                if (n1 > max) {
                    n2 = n1;
                } else {
                    n2 = Math.max(n1, max - n1);
                }
                if (n1 + n2 > max) {
                    n1 = max / 2;
                    n2 = n1 + max % 2;
                }
                if (swap) {
                    int t = n1;
                    n1 = n2;
                    n2 = t;
                }
                return new Encoding[] {a.truncate(n1, stride, dir), b.truncate(n2, stride, dir)};
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = params.strategy() == TruncationParams.Strategy.ONLY_FIRST;
                Encoding target = first ? a : b;
                if (target == null) {
                    throw new IllegalArgumentException("truncation only_second needs a second sequence");
                }
                if (target.length() <= toRemove) {
                    throw new IllegalArgumentException("sequence to truncate (" + target.length()
                            + " tokens) is too short to remove " + toRemove + " tokens; use longest_first");
                }
                Encoding cut = target.truncate(target.length() - toRemove, stride, dir);
                return first ? new Encoding[] {cut, b} : new Encoding[] {a, cut};
            }
            default -> throw new IllegalStateException();
        }
    }
}
