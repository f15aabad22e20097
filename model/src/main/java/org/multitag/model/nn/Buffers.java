package org.multitag.model.nn;

import java.util.HashMap;
import java.util.Map;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named native scratch buffers that grow to the largest shape seen and are then reused: a batch of any
 * shape up to that size allocates nothing. {@link #get} hands out a row-major view of the needed shape over
 * the start of the named buffer; the view is valid until the next {@code get} of the same name with a
 * larger size.
 */
final class Buffers implements AutoCloseable {

    private final Map<String, INDArray> storage = new HashMap<>();

    /** A row-major float32 view of {@code shape} over buffer {@code name}; contents are undefined. */
    INDArray get(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        INDArray s = storage.get(name);
        if (s == null || s.length() < n) {
            if (s != null) {
                s.close();
            }
            // grow by a quarter beyond the request so slowly growing batches don't reallocate each time
            s = Nd4j.createUninitialized(DataType.FLOAT, Math.max(n + n / 4, 16));
            storage.put(name, s);
        }
        return NativeArrays.view(s, shape);
    }

    /** Native bytes held. */
    long bytes() {
        return storage.values().stream().mapToLong(a -> a.length() * 4).sum();
    }

    @Override
    public void close() {
        storage.values().forEach(INDArray::close);
        storage.clear();
    }
}
