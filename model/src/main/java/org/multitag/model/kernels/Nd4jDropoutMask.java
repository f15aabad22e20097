package org.multitag.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.BitwiseAnd;
import org.nd4j.linalg.api.ops.impl.transforms.custom.BitwiseXor;
import org.nd4j.linalg.api.ops.impl.transforms.custom.RShiftBits;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dropout mask as a float32 array of 0 and 1 where the ND4J kernels' arrays live, drawn there with int64 ops:
 * the same SplitMix64 draws as the Java kernels' ({@link HostDropoutMask}), so both kernel sets drop the same
 * elements for a seed.
 */
final class Nd4jDropoutMask implements DropoutMask {

    private final INDArray keep;
    private final float scale;

    private Nd4jDropoutMask(INDArray keep, float scale) {
        this.keep = keep;
        this.scale = scale;
    }

    /**
     * Draws a mask as {@link Kernels#dropoutMask} specifies, in int64 ops on the device: SplitMix64's draw i is
     * {@code mix64(seed + (i + 1)·γ)} (wrapping multiplies; each {@code >>>} an arithmetic shift with the sign bits
     * masked off), kept when its top 53 bits reach the rate's threshold. The memory of {@code reuse} (the caller's
     * last mask, given up) is released.
     */
    static Nd4jDropoutMask draw(DropoutMask reuse, long seed, float rate, int count) {
        if (reuse instanceof Nd4jDropoutMask old) {
            Nd4jKernels.free(old.keep);
        }
        INDArray z = Nd4j.linspace(DataType.LONG, 1, count, 1); // i + 1, exact (a float arange is not past 2^24)
        z.muli(scalar(HostDropoutMask.GAMMA)).addi(scalar(seed));
        z = xorShift(z, 30).muli(scalar(0xbf58476d1ce4e5b9L));
        z = xorShift(z, 27).muli(scalar(0x94d049bb133111ebL));
        z = xorShift(z, 31);
        INDArray top = unsignedShift(z, 11);
        INDArray kept = top.gte(HostDropoutMask.threshold(rate));
        INDArray keep = kept.castTo(DataType.FLOAT);
        Nd4jKernels.free(z, top, kept);
        return new Nd4jDropoutMask(keep, (float) (1 / (1 - (double) rate)));
    }

    /** {@code z ^ (z >>> n)} into a new array; {@code z} is released. */
    private static INDArray xorShift(INDArray z, int n) {
        INDArray out = Nd4j.createUninitialized(DataType.LONG, z.shape());
        INDArray shifted = unsignedShift(z, n);
        Nd4j.exec(new BitwiseXor(z, shifted, out));
        Nd4jKernels.free(z, shifted);
        return out;
    }

    /** {@code z >>> n}: libnd4j's shift keeps the sign, so the top n bits are cleared after it. */
    private static INDArray unsignedShift(INDArray z, int n) {
        INDArray shifted = Nd4j.createUninitialized(DataType.LONG, z.shape());
        Nd4j.exec(new RShiftBits(z, scalar(n), shifted));
        Nd4j.exec(new BitwiseAnd(shifted, scalar(-1L >>> n), shifted));
        return shifted;
    }

    private static INDArray scalar(long v) {
        return Nd4j.scalar(v);
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
