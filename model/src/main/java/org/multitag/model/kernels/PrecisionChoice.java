package org.multitag.model.kernels;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.multitag.model.platform.Amx;
import org.multitag.model.platform.Bf16Path;
import org.multitag.model.platform.CpuFeatures;

/**
 * What a requested {@link Precision} becomes in this process, and the one stderr line that says so when it is not
 * what the user may expect: {@code auto} falling back to fp32, or {@code bf16} running without AMX.
 */
final class PrecisionChoice {

    /**
     * Whether {@code auto} takes bf16 on a CPU with AVX512-BF16 and no AMX: on AMD's (Zen 4 and later: the only
     * AMD CPUs with the flag) yes, on Intel's no. Measured here on a 2-core AMD EPYC with avx512_bf16 (2026-12-06,
     * interleaved, loaded machine): bf16 trained MiniLM's step 1.43-1.45x faster than float32 and ran its encoder
     * 1.17x (batch 32) and 1.08x (batch 1), with EWT accuracy within 0.02 (docs/precision.md); on an Intel Xeon
     * without the AMX limit the same oneDNN products ran at 0.4-0.65x float32 (issue 23's probe).
     */
    static boolean bf16WithoutAmxIsFaster(CpuFeatures cpu) {
        return cpu.avx512Bf16() && cpu.model().startsWith("AMD");
    }

    private static final Set<String> NOTED = ConcurrentHashMap.newKeySet();

    /**
     * A precision with its note for stderr (null: nothing to say).
     *
     * @param precision fp32 or bf16, never auto
     */
    record Resolution(Precision precision, String note) {}

    private PrecisionChoice() {}

    /** {@code requested} resolved on this machine (AMX enabled first when bf16 may run): the note printed once. */
    static Precision resolve(Precision requested) {
        if (requested == Precision.FP32) {
            return Precision.FP32;
        }
        Resolution r = resolve(requested, Amx.prepareBf16(), Amx.enable(), bf16WithoutAmxIsFaster(CpuFeatures.detect()));
        if (r.note() != null && NOTED.add(r.note())) {
            System.err.println(r.note());
        }
        return r.precision();
    }

    /** The decision alone, for a process whose bf16 products run on {@code path} after the AMX steps gave {@code amx}. */
    static Resolution resolve(Precision requested, Bf16Path path, Amx.Status amx, boolean bf16WithoutAmxIsFaster) {
        switch (requested) {
            case FP32:
                return new Resolution(Precision.FP32, null);
            case BF16:
                return new Resolution(Precision.BF16, path == Bf16Path.AMX ? null
                        : "note: precision bf16 runs its matrix products on " + path.description() + ", not AMX: "
                                + amx.detail());
            default:
                if (path == Bf16Path.AMX || path == Bf16Path.AVX512_BF16 && bf16WithoutAmxIsFaster) {
                    return new Resolution(Precision.BF16, null);
                }
                return new Resolution(Precision.FP32, "note: precision auto is fp32: " + amx.detail()
                        + (path == Bf16Path.AVX512_BF16 ? "; bf16 on this CPU's AVX512-BF16 alone is not faster than fp32"
                                : ""));
        }
    }
}
