package org.multitag.model.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the CPU's extensions from /proc/cpuinfo texts: an AMX Xeon, an AMD EPYC without AMX, and this machine. */
class CpuFeaturesTest {

    static final String XEON = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
            flags\t\t: fpu vme avx avx2 avx512f avx512dq avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8

            processor\t: 1
            model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
            flags\t\t: fpu vme avx avx2 avx512f avx512dq avx512_bf16 avx512_fp16 amx_bf16 amx_tile amx_int8
            """;

    static final String EPYC = """
            processor\t: 0
            model name\t: AMD EPYC 9R14 96-Core Processor
            flags\t\t: fpu sse sse2 avx avx2 avx512f avx512bw avx512_bf16 avx512_vnni
            """;

    @Test
    void anAmxXeonHasEveryFlag() {
        CpuFeatures f = CpuFeatures.parse(XEON);
        assertTrue(f.known());
        assertEquals("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", f.model());
        assertEquals(CpuFeatures.FLAG_NAMES, f.flags());
        assertTrue(f.hasAmx());
    }

    @Test
    void anEpycHasBf16ButNoAmx() {
        CpuFeatures f = CpuFeatures.parse(EPYC);
        assertEquals(List.of("avx2", "avx512f", "avx512_bf16"), f.flags());
        assertFalse(f.hasAmx());
        assertEquals("avx2 yes, avx512f yes, avx512_bf16 yes, amx_tile no, amx_bf16 no", f.describeFlags());
    }

    @Test
    void aFlagIsAWholeWordNotAPrefix() {
        // avx512_bf16 must not be read from avx512_bf16x or amx_tile from amx_tile_ext
        CpuFeatures f = CpuFeatures.parse("model name: X\nflags: avx512_bf16x amx_tile_ext avx2\n");
        assertEquals(List.of("avx2"), f.flags());
    }

    @Test
    void noFlagsLineIsUnknown() {
        CpuFeatures f = CpuFeatures.parse("processor : 0\nmodel name : ARM something\n");
        assertFalse(f.known());
        assertTrue(f.describeFlags().startsWith("unknown"));
        assertEquals(List.of(), f.flags());
    }

    /** This machine: the flags read agree with the first flags line of /proc/cpuinfo, word for word. */
    @Test
    void thisMachineAgreesWithProcCpuinfo() throws Exception {
        assumeTrue(CpuFeatures.linuxX86(), "Linux x86-64 only");
        String text = Files.readString(Path.of("/proc/cpuinfo"));
        String flagsLine = text.lines().filter(l -> l.startsWith("flags")).findFirst().orElseThrow();
        List<String> words = List.of(flagsLine.substring(flagsLine.indexOf(':') + 1).trim().split("\\s+"));
        CpuFeatures f = CpuFeatures.detect();
        assertTrue(f.known());
        for (String name : CpuFeatures.FLAG_NAMES) {
            assertEquals(words.contains(name), f.flags().contains(name), name);
        }
        assertFalse(f.model().isBlank());
    }
}
