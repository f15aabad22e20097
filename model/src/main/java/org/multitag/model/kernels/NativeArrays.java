package org.multitag.model.kernels;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small helpers between INDArrays and the Java side: native buffer views, copies in and out. */
public final class NativeArrays {

    private NativeArrays() {}

    /**
     * The native bytes of a contiguous row-major float32 array, little-endian, positioned at its first
     * element (offset applied). Kernels index it from 0. The buffer does not hold the array: a caller that may be
     * handed a temporary ends its work with {@link #keepAlive}, or the array could be collected and its memory
     * freed while the buffer is still read.
     */
    public static ByteBuffer bytes(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a float32 array, got " + a.dataType());
        }
        if (a.ordering() != 'c' || a.elementWiseStride() != 1 && a.length() > 1) {
            throw new IllegalArgumentException("expected a contiguous row-major array, shape "
                    + java.util.Arrays.toString(a.shape()));
        }
        ByteBuffer bb = a.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        long offset = a.offset() * 4;
        if (offset != 0) {
            bb = bb.position((int) offset).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        return bb;
    }

    /**
     * Keeps the arrays reachable up to this call, made after the last access through their {@link #bytes} views.
     * Without it an array its caller no longer uses (a temporary passed straight in) could be collected
     * mid-loop and its memory freed by ND4J's deallocator under the running code (seen on JDK 25: a SIGSEGV in a
     * column sum over a temporary).
     */
    public static void keepAlive(Object... arrays) {
        Reference.reachabilityFence(arrays);
    }

    /** A new float32 array holding {@code values} in row-major order. */
    public static INDArray of(float[] values, long... shape) {
        return Nd4j.create(values, shape, 'c');
    }

    /** A row-major float32 view of the first {@code prod(shape)} elements of {@code storage}. */
    public static INDArray view(INDArray storage, long... shape) {
        long n = 1;
        long[] stride = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = n;
            n *= shape[i];
        }
        if (n > storage.length()) {
            throw new IllegalArgumentException("view of " + n + " elements over " + storage.length());
        }
        return Nd4j.create(storage.data(), shape, stride, 0, 'c', DataType.FLOAT);
    }

    /** The elements of a float32 array in row-major order. */
    public static float[] toFloats(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
