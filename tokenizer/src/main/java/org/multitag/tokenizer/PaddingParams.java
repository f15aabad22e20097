package org.multitag.tokenizer;

/**
 * How to pad encodings (HF {@code PaddingParams}).
 *
 * @param fixedLength target length, or {@link #BATCH_LONGEST} to pad to the longest encoding of the batch
 * @param padToMultipleOf round the target length up to a multiple of this (0 = off)
 */
public record PaddingParams(int fixedLength, Direction direction, int padToMultipleOf, int padId, int padTypeId,
        String padToken) {

    /** {@link #fixedLength} value meaning "the longest in the batch". */
    public static final int BATCH_LONGEST = -1;

    /** Which side receives the padding. */
    public enum Direction { RIGHT, LEFT }

    public PaddingParams {
        if (fixedLength < BATCH_LONGEST) {
            throw new IllegalArgumentException("padding length must be >= 0, got " + fixedLength);
        }
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("pad_to_multiple_of must be >= 0, got " + padToMultipleOf);
        }
        if (direction == null || padToken == null) {
            throw new IllegalArgumentException("direction and pad token are required");
        }
    }

    /** Right padding to the longest of the batch with {@code [PAD]}, id 0. */
    public static PaddingParams longest() {
        return new PaddingParams(BATCH_LONGEST, Direction.RIGHT, 0, 0, 0, "[PAD]");
    }

    public static PaddingParams fixed(int length) {
        return new PaddingParams(length, Direction.RIGHT, 0, 0, 0, "[PAD]");
    }

    public boolean batchLongest() {
        return fixedLength == BATCH_LONGEST;
    }

    public PaddingParams withDirection(Direction d) {
        return new PaddingParams(fixedLength, d, padToMultipleOf, padId, padTypeId, padToken);
    }

    public PaddingParams withPadToMultipleOf(int multiple) {
        return new PaddingParams(fixedLength, direction, multiple, padId, padTypeId, padToken);
    }

    public PaddingParams withPadToken(String token, int id) {
        return new PaddingParams(fixedLength, direction, padToMultipleOf, id, padTypeId, token);
    }

    /** The length to pad to, given the longest encoding in the batch. */
    int targetLength(int longest) {
        int n = batchLongest() ? longest : fixedLength;
        if (padToMultipleOf > 0 && n % padToMultipleOf != 0) {
            n += padToMultipleOf - n % padToMultipleOf;
        }
        return n;
    }
}
