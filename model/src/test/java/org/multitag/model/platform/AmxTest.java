package org.multitag.model.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The AMX steps and their fallbacks, without AMX: the real syscall on a CPU that has none (it fails), and a seam
 * that refuses, grants or breaks as a machine with AMX could.
 */
class AmxTest {

    static final CpuFeatures AMX_CPU = CpuFeatures.parse(CpuFeaturesTest.XEON);
    static final CpuFeatures EPYC = CpuFeatures.parse(CpuFeaturesTest.EPYC);

    /** libc as a map; the permission answer chosen by the test. */
    static class FakeOs implements OsCalls {
        final Map<String, String> env = new HashMap<>();
        final int permissionErrno;
        int requests;

        FakeOs(int permissionErrno) {
            this.permissionErrno = permissionErrno;
        }

        @Override
        public int requestTileData() {
            requests++;
            return permissionErrno;
        }

        @Override
        public long permittedFeatures() {
            return permissionErrno == 0 && requests > 0 ? 1L << 18 : 0;
        }

        @Override
        public int setenv(String name, String value) {
            env.put(name, value);
            return 0;
        }

        @Override
        public String getenv(String name) {
            return env.get(name);
        }
    }

    @Test
    void grantedPermissionThenTheIsaLimit() {
        FakeOs os = new FakeOs(0);
        Amx.Status s = Amx.enable(AMX_CPU, os);
        assertEquals(Amx.State.ENABLED, s.state(), s.detail());
        assertEquals("AVX512_CORE_AMX", os.env.get("DNNL_MAX_CPU_ISA"));
        assertEquals(Bf16Path.AMX, Bf16Path.of(s, AMX_CPU));
    }

    @Test
    void refusedPermissionSetsNoLimitAndFallsBack() {
        FakeOs os = new FakeOs(1); // EPERM
        Amx.Status s = Amx.enable(AMX_CPU, os);
        assertEquals(Amx.State.FAILED, s.state());
        assertTrue(s.detail().contains("refused") && s.detail().contains("errno 1"), s.detail());
        assertNull(os.env.get("DNNL_MAX_CPU_ISA"), "no AMX limit without the permission: SIGILL otherwise");
        assertEquals(Bf16Path.AVX512_BF16, Bf16Path.of(s, AMX_CPU));
    }

    @Test
    void refusedPermissionLowersAnAmxLimitSetOutside() {
        FakeOs os = new FakeOs(1);
        os.env.put("DNNL_MAX_CPU_ISA", "AVX512_CORE_AMX");
        Amx.Status s = Amx.enable(AMX_CPU, os);
        assertEquals(Amx.State.FAILED, s.state());
        assertEquals("AVX512_CORE_BF16", os.env.get("DNNL_MAX_CPU_ISA"));
        assertTrue(s.detail().contains("lowered"), s.detail());
    }

    @Test
    void aLimitSetOutsideIsKept() {
        FakeOs os = new FakeOs(0);
        os.env.put("DNNL_MAX_CPU_ISA", "AVX2");
        Amx.Status s = Amx.enable(AMX_CPU, os);
        assertEquals(Amx.State.FAILED, s.state());
        assertEquals("AVX2", os.env.get("DNNL_MAX_CPU_ISA"));
        assertTrue(s.detail().contains("kept"), s.detail());
    }

    @Test
    void aBrokenNativeCallIsAFallbackNotACrash() {
        OsCalls broken = new FakeOs(0) {
            @Override
            public int requestTileData() {
                throw new UnsatisfiedLinkError("no syscall");
            }
        };
        assertEquals(Amx.State.FAILED, Amx.enable(AMX_CPU, broken).state());
        assertEquals(Amx.State.FAILED, Amx.enable(AMX_CPU, null).state(), "JNA not loadable");
    }

    @Test
    void noAmxOrAnotherPlatformAsksNothing() {
        FakeOs os = new FakeOs(0);
        assertEquals(Amx.State.NO_AMX, Amx.enable(EPYC, os).state());
        assertEquals(Amx.State.UNSUPPORTED_PLATFORM, Amx.enable(CpuFeatures.unknown(), os).state());
        assertEquals(0, os.requests);
        assertEquals(Bf16Path.AVX512_BF16, Bf16Path.of(Amx.enable(EPYC, os), EPYC));
        assertEquals(Bf16Path.REFERENCE, Bf16Path.of(Amx.enable(CpuFeatures.unknown(), os), CpuFeatures.unknown()));
    }

    /**
     * The real arch_prctl on a CPU without AMX, told by a fake feature list that it has AMX: Linux refuses, and the
     * ISA limit stays unset in the real environment.
     */
    @Test
    void theRealSyscallFailsWithoutAmx() {
        assumeTrue(CpuFeatures.linuxX86(), "Linux x86-64 only");
        assumeFalse(CpuFeatures.detect().hasAmx(), "a CPU with AMX would grant it");
        LibcCalls libc = new LibcCalls();
        assumeTrue(libc.getenv("DNNL_MAX_CPU_ISA") == null, "DNNL_MAX_CPU_ISA set outside the test");
        Amx.Status s = Amx.enable(AMX_CPU, libc);
        assertEquals(Amx.State.FAILED, s.state(), s.detail());
        assertTrue(s.detail().contains("errno"), s.detail());
        assertNull(libc.getenv("DNNL_MAX_CPU_ISA"));
        assertEquals("not granted", Amx.permission());
    }

    /** This machine through the public entry: no AMX here, so nothing enabled and bf16 names its real path. */
    @Test
    void thisMachine() {
        assumeFalse(CpuFeatures.detect().hasAmx(), "a CPU with AMX");
        Amx.Status s = Amx.enable();
        assertEquals(CpuFeatures.detect().known() ? Amx.State.NO_AMX : Amx.State.UNSUPPORTED_PLATFORM, s.state());
        assertEquals(s, Amx.current());
        assertEquals(CpuFeatures.detect().avx512Bf16() ? Bf16Path.AVX512_BF16 : Bf16Path.REFERENCE,
                Amx.prepareBf16());
    }
}
