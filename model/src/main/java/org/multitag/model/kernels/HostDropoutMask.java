package org.multitag.model.kernels;

/** A dropout mask as a Java boolean array (grown, never shrunk, so a reused mask allocates nothing). */
final class HostDropoutMask implements DropoutMask {

    /** SplittableRandom's increment for a generator made from a seed (the golden ratio, odd). */
    static final long GAMMA = 0x9e3779b97f4a7c15L;

    boolean[] keep = new boolean[0];
    int size;
    float scale;

    @Override
    public int size() {
        return size;
    }

    @Override
    public float scale() {
        return scale;
    }

    @Override
    public boolean kept(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return keep[i];
    }

    /** The mask to fill: {@code reuse} when it is one of ours, else a new one; sized for {@code count}. */
    static HostDropoutMask recycle(DropoutMask reuse, int count, float rate) {
        HostDropoutMask m = reuse instanceof HostDropoutMask h ? h : new HostDropoutMask();
        if (m.keep.length < count) {
            m.keep = new boolean[count];
        }
        m.size = count;
        m.scale = (float) (1 / (1 - (double) rate));
        return m;
    }

    /** Keep when the draw's top 53 bits are at least this: {@code nextDouble() >= rate}. */
    static long threshold(float rate) {
        return (long) Math.ceil((double) rate * 0x1p53);
    }

    /** SplitMix64's output function (Stafford's variant 13), as SplittableRandom.nextLong applies it. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
