package org.multitag.model.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dropout mask as a float32 array of 0 and 1 where the ND4J kernels' arrays live. The draw is the Java kernels'
 * own (SplitMix64, {@link HostDropoutMask#draw}) made on the host and uploaded once per mask, so both kernel sets
 * drop the same elements for a seed.
 */
final class Nd4jDropoutMask implements DropoutMask {

    private final INDArray keep;
    private final float scale;

    private Nd4jDropoutMask(INDArray keep, float scale) {
        this.keep = keep;
        this.scale = scale;
    }

    /** Draws a mask as {@link Kernels#dropoutMask} specifies; {@code reuse} recycles its host scratch only. */
    static Nd4jDropoutMask draw(DropoutMask reuse, long seed, float rate, int count) {
        HostDropoutMask host = HostDropoutMask.recycle(null, count, rate);
        host.draw(seed, rate, 0, count);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = host.keep[i] ? 1f : 0f;
        }
        return new Nd4jDropoutMask(Nd4j.createFromArray(v), host.scale);
    }

    /** The 0/1 flags, {@code [size]}. */
    INDArray keep() {
        return keep;
    }

    @Override
    public int size() {
        return (int) keep.length();
    }

    @Override
    public float scale() {
        return scale;
    }

    @Override
    public boolean kept(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(i);
        }
        return keep.getFloat(i) != 0f;
    }
}
