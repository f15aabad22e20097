package org.multitag.train.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small helpers for the Java-side loops over native float32 arrays. */
final class F32 {

    private F32() {}

    /** The elements of a contiguous row-major float32 array, indexed from 0 (a view, no copy). */
    static FloatBuffer buf(INDArray a) {
        return NativeArrays.bytes(a).asFloatBuffer();
    }

    /** A new zero-filled float32 array. */
    static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    /** {@code acc[c] += Σ_r dy[r][c]} for {@code dy [rows, cols]}: a bias gradient. */
    static void addColumnSums(INDArray dy, INDArray acc, Parallel par) {
        if (Elementwise.VECTOR) {
            addColumnSums(dy, null, acc, par);
            return;
        }
        int rows = (int) dy.size(0);
        int cols = (int) dy.size(1);
        FloatBuffer y = buf(dy);
        FloatBuffer out = buf(acc);
        par.range(cols, rows, (from, to) -> {
            double[] s = new double[to - from];
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                for (int c = from; c < to; c++) {
                    s[c - from] += y.get(base + c);
                }
            }
            for (int c = from; c < to; c++) {
                out.put(c, (float) (out.get(c) + s[c - from]));
            }
        });
    }

    /**
     * {@code acc[c] += Σ_r a[r][c] · w[r][c]} ({@code w} null: the plain sum) for {@code [rows, cols]} arrays,
     * with the Vector API: threads take whole vectors of columns, so the order of the sums is fixed.
     */
    static void addColumnSums(INDArray a, INDArray w, INDArray acc, Parallel par) {
        int rows = (int) a.size(0);
        int cols = (int) a.size(1);
        int lanes = VectorMath.L;
        int chunks = (cols + lanes - 1) / lanes;
        ByteBuffer ab = NativeArrays.bytes(a);
        ByteBuffer wb = w == null ? null : NativeArrays.bytes(w);
        FloatBuffer out = buf(acc);
        par.range(chunks, (long) rows * lanes, (from, to) -> {
            int c0 = from * lanes;
            int c1 = Math.min(cols, to * lanes);
            double[] s = new double[c1 - c0];
            VectorRows.columnSums(ab, wb, rows, cols, c0, c1, s);
            for (int c = c0; c < c1; c++) {
                out.put(c, (float) (out.get(c) + s[c - c0]));
            }
        });
    }
}
