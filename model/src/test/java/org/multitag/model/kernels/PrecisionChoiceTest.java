package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.multitag.model.platform.Amx;
import org.multitag.model.platform.Bf16Path;
import org.multitag.model.platform.CpuFeatures;

/** What fp32, bf16 and auto become for each bf16 path, and this machine's auto (no AMX here: fp32). */
class PrecisionChoiceTest {

    static final Amx.Status ENABLED = new Amx.Status(Amx.State.ENABLED, "permission granted");
    static final Amx.Status NO_AMX = new Amx.Status(Amx.State.NO_AMX, "this CPU has no AMX (amx_tile, amx_bf16)");
    static final Amx.Status REFUSED = new Amx.Status(Amx.State.FAILED, "Linux refused the AMX permission");

    @Test
    void autoIsBf16OnlyWithAmx() {
        PrecisionChoice.Resolution r = PrecisionChoice.resolve(Precision.AUTO, Bf16Path.AMX, ENABLED, false);
        assertEquals(Precision.BF16, r.precision());
        assertNull(r.note());
    }

    @Test
    void autoFallsBackToFp32AndSaysWhy() {
        PrecisionChoice.Resolution r = PrecisionChoice.resolve(Precision.AUTO, Bf16Path.AVX512_BF16, REFUSED, false);
        assertEquals(Precision.FP32, r.precision());
        assertTrue(r.note().contains("fp32") && r.note().contains("refused"), r.note());
        r = PrecisionChoice.resolve(Precision.AUTO, Bf16Path.REFERENCE, NO_AMX, false);
        assertEquals(Precision.FP32, r.precision());
        assertTrue(r.note().contains("no AMX"), r.note());
        assertEquals(1, r.note().lines().count(), "one line");
    }

    @Test
    void autoTakesAvx512Bf16OnlyWhenMeasuredFaster() {
        assertEquals(Precision.BF16,
                PrecisionChoice.resolve(Precision.AUTO, Bf16Path.AVX512_BF16, NO_AMX, true).precision());
        assertEquals(Precision.FP32,
                PrecisionChoice.resolve(Precision.AUTO, Bf16Path.REFERENCE, NO_AMX, true).precision());
    }

    @Test
    void explicitBf16StaysAndNamesItsPath() {
        PrecisionChoice.Resolution r = PrecisionChoice.resolve(Precision.BF16, Bf16Path.AVX512_BF16, NO_AMX, false);
        assertEquals(Precision.BF16, r.precision());
        assertTrue(r.note().contains("AVX512-BF16"), r.note());
        r = PrecisionChoice.resolve(Precision.BF16, Bf16Path.REFERENCE, NO_AMX, false);
        assertTrue(r.note().contains("reference"), r.note());
        assertNull(PrecisionChoice.resolve(Precision.BF16, Bf16Path.AMX, ENABLED, false).note());
        assertNull(PrecisionChoice.resolve(Precision.FP32, Bf16Path.REFERENCE, NO_AMX, false).note());
    }

    /** AVX512-BF16 without AMX counts as faster on AMD's CPUs (measured here), not on Intel's (issue 23's probe). */
    @Test
    void avx512Bf16AloneIsFasterOnAmdOnly() {
        assertTrue(PrecisionChoice.bf16WithoutAmxIsFaster(CpuFeatures.parse("""
                model name\t: AMD EPYC 9R14 96-Core Processor
                flags\t\t: avx2 avx512f avx512_bf16
                """)));
        assertFalse(PrecisionChoice.bf16WithoutAmxIsFaster(CpuFeatures.parse("""
                model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
                flags\t\t: avx2 avx512f avx512_bf16
                """)));
        assertFalse(PrecisionChoice.bf16WithoutAmxIsFaster(CpuFeatures.parse("""
                model name\t: AMD EPYC 7B13 64-Core Processor
                flags\t\t: avx2
                """)));
    }

    /** On this machine (no AMX) auto follows the rule above, and kernels built for it compute in that precision. */
    @Test
    void autoOnThisMachineFollowsTheRule() {
        CpuFeatures cpu = CpuFeatures.detect();
        assumeFalse(cpu.hasAmx(), "a CPU with AMX");
        Precision expected = Amx.prepareBf16() == Bf16Path.AVX512_BF16 && PrecisionChoice.bf16WithoutAmxIsFaster(cpu)
                ? Precision.BF16 : Precision.FP32;
        ComputeSetting auto = new ComputeSetting(1, KernelChoice.JAVA, Precision.AUTO);
        assertEquals(expected, auto.resolvedPrecision());
        try (Kernels k = Kernels.create(auto)) {
            Class<?> fp32 = Kernels.vectorized() ? VectorKernels.class : ScalarKernels.class;
            assertEquals(expected == Precision.BF16 ? Bf16Kernels.class : fp32, k.getClass());
        }
        assertEquals(Precision.FP32, auto.withPrecision(Precision.FP32).resolvedPrecision());
    }
}
