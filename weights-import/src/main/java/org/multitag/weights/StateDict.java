package org.multitag.weights;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors in a fixed order, with the string metadata a safetensors file carries. This is what every
 * reader and importer returns and what the writer takes, so formats meet here.
 */
public final class StateDict {

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty state dict. */
    public StateDict() {}

    /** Adds a tensor under its own name; a second tensor with the same name is an error. */
    public StateDict put(Tensor t) {
        if (tensors.putIfAbsent(t.name(), t) != null) {
            throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
        }
        return this;
    }

    /** The tensor with this name, or {@code null}. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Names in order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** Tensors in order. */
    public Collection<Tensor> tensors() {
        return Collections.unmodifiableCollection(tensors.values());
    }

    public int size() {
        return tensors.size();
    }

    /** Mutable metadata ({@code __metadata__} in safetensors). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Total number of elements over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.numel();
        }
        return n;
    }

    /** Total bytes of tensor data. */
    public long byteSize() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.byteSize();
        }
        return n;
    }

    /** A copy where every floating-point tensor is converted to {@code dtype}; integer tensors are kept. */
    public StateDict withFloatType(DType dtype) {
        StateDict out = new StateDict();
        out.metadata.putAll(metadata);
        for (Tensor t : tensors.values()) {
            out.put(t.dtype().isFloatingPoint() ? t.to(dtype) : t);
        }
        return out;
    }
}
