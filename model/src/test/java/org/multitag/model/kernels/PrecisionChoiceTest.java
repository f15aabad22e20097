package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** On this machine (no AMX) auto computes in fp32, and kernels built for it are the float32 ones. */
    @Test
    void autoOnThisMachineIsFp32() {
        assumeFalse(CpuFeatures.detect().hasAmx(), "a CPU with AMX");
        ComputeSetting auto = new ComputeSetting(1, KernelChoice.JAVA, Precision.AUTO);
        assertEquals(Precision.FP32, auto.resolvedPrecision());
        try (Kernels k = Kernels.create(auto)) {
            assertEquals(Kernels.vectorized() ? VectorKernels.class : ScalarKernels.class, k.getClass());
        }
        assertEquals(Precision.FP32, auto.withPrecision(Precision.FP32).resolvedPrecision());
    }
}
