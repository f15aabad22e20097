package org.multitag.model.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The host memory of a contiguous float32 array as {@link VectorKernels} reads and writes it in place, indexed by
 * element: the JDK 21+ version of this class (the jar's {@code META-INF/versions/21}), over a {@link MemorySegment}
 * of the array's native buffer, since the Vector API's {@code ByteBuffer} loads are gone from JDK 20 on. The same
 * methods as the JDK 17 version, so the kernels compile once against either. {@code java.lang.foreign} is a preview
 * API in JDK 21 and final from 22; this class is compiled against JDK 25's final API for JDK 21's class version
 * (model/pom.xml says why), and calls only methods whose signatures JDK 21 already had.
 */
final class HostMemory {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private final MemorySegment segment;

    private HostMemory(MemorySegment segment) {
        this.segment = segment;
    }

    static HostMemory of(INDArray a) {
        return new HostMemory(MemorySegment.ofBuffer(NativeArrays.bytes(a)));
    }

    FloatVector load(VectorSpecies<Float> species, int index) {
        return FloatVector.fromMemorySegment(species, segment, index * 4L, LE);
    }

    void store(FloatVector v, int index) {
        v.intoMemorySegment(segment, index * 4L, LE);
    }

    /** {@code out[0, n) = this[from, from + n)} (a bulk copy). */
    void get(int from, float[] out, int n) {
        MemorySegment.copy(segment, FLOAT, from * 4L, out, 0, n);
    }

    /** {@code this[from, from + n) = in[0, n)} (a bulk copy). */
    void put(int from, float[] in, int n) {
        MemorySegment.copy(in, 0, segment, FLOAT, from * 4L, n);
    }

    float get(int index) {
        return segment.get(FLOAT, index * 4L);
    }

    void put(int index, float value) {
        segment.set(FLOAT, index * 4L, value);
    }
}
