package org.multitag.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A named, dense, row-major tensor whose elements sit in a little-endian byte buffer. Tensors read from a
 * safetensors file are views on the memory-mapped file (no copy); conversions return new tensors.
 */
public final class Tensor {

    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final ByteBuffer data;

    /**
     * Wraps {@code data} (its remaining bytes) without copying.
     *
     * @throws IllegalArgumentException when the byte count does not match the shape and dtype
     */
    public Tensor(String name, DType dtype, int[] shape, ByteBuffer data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long expected = numel(shape) * dtype.size();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.remaining() + " bytes for "
                    + dtype + " " + shapeString(shape) + ", expected " + expected);
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A float32 tensor holding a copy of {@code values}. */
    public static Tensor ofFloats(String name, int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(name, DType.F32, shape, b);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Bytes of data. */
    public long byteSize() {
        return data.capacity();
    }

    /** A read-only little-endian view of the raw bytes, positioned at 0. */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Zero-copy float view; only for F32 tensors. */
    public FloatBuffer floatView() {
        if (dtype != DType.F32) {
            throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not F32");
        }
        return data().asFloatBuffer();
    }

    /** The elements converted to float32 (a new array, any dtype). */
    public float[] toFloat32() {
        float[] out = new float[Math.toIntExact(numel())];
        if (dtype == DType.F32) {
            data().asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = dtype.getFloat(data, i);
            }
        }
        return out;
    }

    /** The same values stored as {@code target}; returns this tensor when the dtype already matches. */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        int n = Math.toIntExact(numel());
        ByteBuffer b = ByteBuffer.allocate(n * target.size()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype.isFloatingPoint() || target.isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                target.putFloat(b, i, dtype.getFloat(data, i));
            }
        } else {
            // Integer to integer goes through long so that I64 values above 2^24 survive.
            for (int i = 0; i < n; i++) {
                putLong(target, b, i, getLong(dtype, data, i));
            }
        }
        return new Tensor(name, target, shape, b);
    }

    /** The same tensor under another name (shares the data). */
    public Tensor renamed(String newName) {
        return new Tensor(newName, dtype, shape, data());
    }

    /** The transpose of a rank-2 tensor, as a new tensor of the same dtype. */
    public Tensor transposed(String newName) {
        if (shape.length != 2) {
            throw new IllegalStateException("tensor '" + name + "': transpose needs rank 2, found "
                    + shapeString(shape));
        }
        int rows = shape[0];
        int cols = shape[1];
        ByteBuffer dst = ByteBuffer.allocate(data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype.size() == 4) {
            // Blocked, so that both source rows and destination rows stay in cache (768x3072 kernels).
            int[] src = new int[rows * cols];
            data().asIntBuffer().get(src);
            int[] out = new int[src.length];
            int block = 64;
            for (int r0 = 0; r0 < rows; r0 += block) {
                for (int c0 = 0; c0 < cols; c0 += block) {
                    for (int r = r0, rEnd = Math.min(rows, r0 + block); r < rEnd; r++) {
                        for (int c = c0, cEnd = Math.min(cols, c0 + block); c < cEnd; c++) {
                            out[c * rows + r] = src[r * cols + c];
                        }
                    }
                }
            }
            dst.asIntBuffer().put(out);
        } else {
            int size = dtype.size();
            byte[] src = new byte[data.capacity()];
            data().get(src);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    dst.put((c * rows + r) * size, src, (r * cols + c) * size, size);
                }
            }
        }
        return new Tensor(newName, dtype, new int[] {cols, rows}, dst);
    }

    /** True when names, dtypes, shapes and bytes are identical. */
    public boolean contentEquals(Tensor o) {
        return name.equals(o.name) && dtype == o.dtype && Arrays.equals(shape, o.shape) && data().equals(o.data());
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString(shape);
    }

    /** Product of the dimensions. */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    /** {@code [a, b, c]}, the form used in every message. */
    public static String shapeString(int[] shape) {
        return Arrays.toString(shape);
    }

    private static long getLong(DType t, ByteBuffer b, int i) {
        return switch (t) {
            case I64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case I8 -> b.get(i);
            case U8 -> b.get(i) & 0xFF;
            case BOOL -> b.get(i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(t.name());
        };
    }

    private static void putLong(DType t, ByteBuffer b, int i, long v) {
        switch (t) {
            case I64 -> b.putLong(i * 8, v);
            case I32 -> b.putInt(i * 4, (int) v);
            case I8, U8 -> b.put(i, (byte) v);
            case BOOL -> b.put(i, (byte) (v != 0 ? 1 : 0));
            default -> throw new IllegalStateException(t.name());
        }
    }
}
