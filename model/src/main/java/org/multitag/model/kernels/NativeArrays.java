package org.multitag.model.kernels;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small helpers between INDArrays and the Java side: native buffer views, copies in and out.
 *
 * <p>Every view of an array's memory the Java code reads or writes in place ({@link #bytes}, {@link #hostBuffer},
 * and {@link HostMemory} over them) and every bulk copy to the heap ({@link #toFloats}) is made here, so one switch
 * can forbid them: {@link #forbidHostAccess()}, which a test turns on around a step that must stay on the ND4J
 * device (on a GPU those views would see stale host copies, not the device's data).
 */
public final class NativeArrays {

    private static volatile boolean hostAccessForbidden;

    private NativeArrays() {}

    /**
     * Until the returned guard is closed, every host view or bulk copy made here throws an {@link
     * IllegalStateException}: the proof, in tests, that a path touches no array's host memory. Process-wide (the
     * kernels' own threads are covered too); not reentrant across threads. ND4J's own element getters
     * ({@code getFloat}, {@code toFloatVector}) are not covered.
     */
    public static HostAccessGuard forbidHostAccess() {
        boolean before = hostAccessForbidden;
        hostAccessForbidden = true;
        return () -> hostAccessForbidden = before;
    }

    /** A {@link #forbidHostAccess()} in force; closing it restores the previous state. */
    @FunctionalInterface
    public interface HostAccessGuard extends AutoCloseable {
        @Override
        void close();
    }

    private static void checkHostAccess(INDArray a) {
        if (hostAccessForbidden) {
            throw new IllegalStateException("host memory access while forbidden: an array of shape "
                    + java.util.Arrays.toString(a.shape()) + " read or written from Java");
        }
    }

    /**
     * The whole native buffer under {@code a} (its offset not applied), little-endian, for code that walks strided
     * views itself. See {@link #keepAlive}.
     */
    public static ByteBuffer hostBuffer(INDArray a) {
        checkHostAccess(a);
        return a.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
    }

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
        ByteBuffer bb = hostBuffer(a);
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
        checkHostAccess(a);
        return a.dup('c').data().asFloat();
    }
}
