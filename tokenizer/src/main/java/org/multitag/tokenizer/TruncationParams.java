package org.multitag.tokenizer;

/**
 * How to cut encodings that are too long (HF {@code TruncationParams}).
 *
 * @param maxLength total length including special tokens
 * @param stride tokens shared by consecutive overflowing windows
 */
public record TruncationParams(int maxLength, int stride, Strategy strategy, Direction direction) {

    /** Which sequence of a pair loses tokens. */
    public enum Strategy {
        /** Shorten the longer sequence first, as evenly as possible. */
        LONGEST_FIRST,
        ONLY_FIRST,
        ONLY_SECOND
    }

    /** Which end of a sequence is cut. */
    public enum Direction { RIGHT, LEFT }

    public TruncationParams {
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must be >= 0, got " + maxLength);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("stride must be >= 0, got " + stride);
        }
        if (strategy == null || direction == null) {
            throw new IllegalArgumentException("strategy and direction are required");
        }
    }

    /** Right truncation to {@code maxLength}, longest first, no stride. */
    public static TruncationParams of(int maxLength) {
        return new TruncationParams(maxLength, 0, Strategy.LONGEST_FIRST, Direction.RIGHT);
    }

    public TruncationParams withStride(int newStride) {
        return new TruncationParams(maxLength, newStride, strategy, direction);
    }

    public TruncationParams withStrategy(Strategy newStrategy) {
        return new TruncationParams(maxLength, stride, newStrategy, direction);
    }

    public TruncationParams withDirection(Direction newDirection) {
        return new TruncationParams(maxLength, stride, strategy, newDirection);
    }
}
