package org.multitag.model.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The host memory of a contiguous float32 array as {@link VectorKernels} reads and writes it in place, indexed by
 * element. This is the JDK 17 version, over the array's little-endian {@link ByteBuffer} (the Vector API's buffer
 * loads); JDK 20 removed those, and the jar's {@code META-INF/versions/21} holds the same class over a {@code
 * MemorySegment}, which JDK 21 and later pick instead (JDK 18 to 20 run the scalar kernels). Every method is small
 * enough for the JIT to inline, so the vectors never leave registers.
 */
final class HostMemory {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final ByteBuffer bytes;

    private HostMemory(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    static HostMemory of(INDArray a) {
        return new HostMemory(NativeArrays.bytes(a));
    }

    FloatVector load(VectorSpecies<Float> species, int index) {
        return FloatVector.fromByteBuffer(species, bytes, index * 4, LE);
    }

    void store(FloatVector v, int index) {
        v.intoByteBuffer(bytes, index * 4, LE);
    }

    /** {@code out[0, n) = this[from, from + n)} (a bulk copy). */
    void get(int from, float[] out, int n) {
        bytes.asFloatBuffer().get(from, out, 0, n);
    }

    /** {@code this[from, from + n) = in[0, n)} (a bulk copy). */
    void put(int from, float[] in, int n) {
        bytes.asFloatBuffer().put(from, in, 0, n);
    }

    float get(int index) {
        return bytes.getFloat(index * 4);
    }

    void put(int index, float value) {
        bytes.putFloat(index * 4, value);
    }
}
