package org.multitag.model.platform;

/** What oneDNN runs a bfloat16 matrix product on in this process. */
public enum Bf16Path {
    /** Intel AMX tiles (oneDNN's {@code brg:avx512_core_amx_bf16}): the fast path, 2-4x float32 on the gemms. */
    AMX("Intel AMX"),
    /** AVX512-BF16 dot products (oneDNN's {@code gemm:jit}), measured 0.4-0.65x float32 on an AMX Xeon. */
    AVX512_BF16("AVX512-BF16"),
    /** No bfloat16 instructions: oneDNN's reference loops, far slower than float32. */
    REFERENCE("oneDNN's reference path (no bf16 instructions)");

    private final String description;

    Bf16Path(String description) {
        this.description = description;
    }

    /** Which instructions, in words for a report line. */
    public String description() {
        return description;
    }

    /** The path of a process whose AMX steps ended in {@code amx}, on {@code cpu}. */
    static Bf16Path of(Amx.Status amx, CpuFeatures cpu) {
        if (amx.enabled()) {
            return AMX;
        }
        return cpu.avx512Bf16() ? AVX512_BF16 : REFERENCE;
    }
}
