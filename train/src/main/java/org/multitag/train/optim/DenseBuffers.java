package org.multitag.train.optim;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct access to the native memory of float32 arrays whose elements fill one gap-free block: row-major
 * ({@code 'c'}) or column-major ({@code 'f'}) arrays and views such as a transpose or a slice of whole rows.
 * Two dense arrays of the same shape and the same order hold element {@code i} of their memory block at the
 * same logical index, so elementwise kernels can run over plain buffer positions.
 */
final class DenseBuffers {

    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[16_384]);

    private DenseBuffers() {}

    /** {@code 'c'} or {@code 'f'} when the array's elements fill one block in that order, else 0. */
    static char denseOrder(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a float32 array, got " + a.dataType());
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        if (hasStrides(shape, stride, 'c')) {
            return 'c';
        }
        if (hasStrides(shape, stride, 'f')) {
            return 'f';
        }
        return 0;
    }

    private static boolean hasStrides(long[] shape, long[] stride, char order) {
        long expected = 1;
        for (int k = 0; k < shape.length; k++) {
            int i = order == 'c' ? shape.length - 1 - k : k;
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * The elements of a dense array (see {@link #denseOrder}) as a native float buffer indexed from 0, in
     * memory order. Writes go straight to the array.
     */
    static FloatBuffer floats(INDArray a) {
        if (denseOrder(a) == 0) {
            throw new IllegalArgumentException("not a dense array: shape " + java.util.Arrays.toString(a.shape())
                    + ", strides " + java.util.Arrays.toString(a.stride()));
        }
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too large for one buffer: " + a.length());
        }
        return NativeArrays.hostBuffer(a)
                .position((int) (a.offset() * Float.BYTES))
                .slice().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .limit((int) a.length());
    }

    /** Σ x² over every element of {@code a} in double, whatever its strides. */
    static double sumOfSquares(INDArray a) {
        if (denseOrder(a) != 0) {
            return sumOfSquares(floats(a), 0, (int) a.length(), 1);
        }
        // A strided view (e.g. a column block of a matrix): a sum over each run along the dimension of the
        // smallest stride, for every index of the other dimensions.
        FloatBuffer all = NativeArrays.hostBuffer(a).asFloatBuffer();
        long[] shape = a.shape();
        long[] stride = a.stride();
        int rank = shape.length;
        int inner = 0;
        for (int d = 1; d < rank; d++) {
            if (shape[inner] == 1 || shape[d] > 1 && Math.abs(stride[d]) < Math.abs(stride[inner])) {
                inner = d;
            }
        }
        int run = (int) shape[inner];
        int step = (int) stride[inner];
        long[] index = new long[rank];
        long pos = a.offset();
        double s = 0;
        for (long done = 0, n = a.length(); done < n; done += run) {
            s += sumOfSquares(all, (int) pos, run, step);
            for (int d = rank - 1; d >= 0; d--) {
                if (d == inner) {
                    continue;
                }
                if (++index[d] < shape[d]) {
                    pos += stride[d];
                    break;
                }
                pos -= stride[d] * (shape[d] - 1);
                index[d] = 0;
            }
        }
        return s;
    }

    /**
     * Σ x² over {@code n} elements of {@code f} from {@code start}, {@code step} apart, in double. A contiguous
     * range is copied in blocks to a heap array and summed into eight independent partial sums: the JIT does
     * not vectorize a floating-point sum, and a single chain would wait on every addition.
     */
    private static double sumOfSquares(FloatBuffer f, int start, int n, int step) {
        if (step != 1) {
            double s = 0;
            for (int i = 0, pos = start; i < n; i++, pos += step) {
                double x = f.get(pos);
                s += x * x;
            }
            return s;
        }
        float[] block = BLOCK.get();
        double[] acc = new double[8];
        for (int from = 0; from < n; from += block.length) {
            int len = Math.min(block.length, n - from);
            f.get(start + from, block, 0, len);
            addSquares(block, len, acc);
        }
        return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    }

    /** Adds the squares of {@code x[0, n)} to eight partial sums (independent chains run in parallel). */
    private static void addSquares(float[] x, int n, double[] acc) {
        double s0 = acc[0];
        double s1 = acc[1];
        double s2 = acc[2];
        double s3 = acc[3];
        double s4 = acc[4];
        double s5 = acc[5];
        double s6 = acc[6];
        double s7 = acc[7];
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
            s4 += (double) x[i + 4] * x[i + 4];
            s5 += (double) x[i + 5] * x[i + 5];
            s6 += (double) x[i + 6] * x[i + 6];
            s7 += (double) x[i + 7] * x[i + 7];
        }
        for (; i < n; i++) {
            s0 += (double) x[i] * x[i];
        }
        acc[0] = s0;
        acc[1] = s1;
        acc[2] = s2;
        acc[3] = s3;
        acc[4] = s4;
        acc[5] = s5;
        acc[6] = s6;
        acc[7] = s7;
    }
}
