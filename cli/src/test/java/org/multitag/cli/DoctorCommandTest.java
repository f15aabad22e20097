package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.Nd4jBackend;
import org.multitag.model.platform.CpuFeatures;

/**
 * {@code multitag doctor} on this CPU-only machine: java/fp32 passes and names the CPU flags; CUDA asked through
 * {@code MULTITAG_BACKEND=cuda} fails with a reason (a separate JVM, the variable set for real); kernels not built yet
 * fail cleanly.
 */
class DoctorCommandTest {

    @Test
    void javaFp32PassesAndNamesTheCpu() {
        TestModels.Result r = TestModels.run("doctor", "--kernels", "java", "--precision", "fp32", "--batch", "2",
                "--length", "16");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("CPU flags"), r.out());
        CpuFeatures cpu = CpuFeatures.detect();
        for (String flag : CpuFeatures.FLAG_NAMES) {
            assertTrue(r.out().contains(flag + (cpu.flags().contains(flag) ? " yes" : " no")) || !cpu.known(),
                    flag + " in " + r.out());
        }
        assertTrue(r.out().contains(cpu.model()), r.out());
        assertTrue(r.out().contains("device         host"), r.out());
        assertTrue(r.out().contains("kernels        java -> java"), r.out());
        assertTrue(r.out().contains("precision      fp32 -> fp32"), r.out());
        assertTrue(r.out().matches("(?s).*check .*tolerance 1e-04 \\(fp32\\): PASS.*"), r.out());
        assertTrue(r.out().matches("(?s).*inference \\d+ tokens/s.*train step \\d+ tokens/s.*"), r.out());
        assertTrue(r.err().isEmpty() || !r.err().contains("error:"), r.err());
    }

    @Test
    void kernelsNotBuiltFailCleanly() {
        TestModels.Result r = TestModels.run("doctor", "--kernels", "nd4j");
        if (r.code() == 0) {
            // once the ND4J kernels are merged the check must really pass on them
            assertTrue(r.out().contains("PASS"), r.out());
            return;
        }
        assertEquals(DoctorCommand.EXIT_FAILED, r.code(), r.err());
        assertTrue(r.err().startsWith("error: the self-check cannot run: ") && r.err().contains("not built"),
                r.err());
        assertTrue(!r.out().contains("PASS"), r.out());
    }

    @Test
    void cudaAskedOnTheCpuBackendIsAFailure() {
        Nd4jBackend cpu = new Nd4jBackend("org.nd4j.linalg.cpu.nativecpu.CpuBackend", "1.0.0-M2.1", true, List.of());
        String why = DoctorCommand.cudaProblem("cuda", cpu);
        assertTrue(why.contains("MULTITAG_BACKEND=cuda") && why.contains("CpuBackend") && why.contains("-Pcuda"), why);
        Nd4jBackend noGpu = new Nd4jBackend("org.nd4j.linalg.jcublas.JCublasBackend", "1.0.0-M2.1", false,
                List.of());
        assertTrue(DoctorCommand.cudaProblem("CUDA", noGpu).contains("no GPU"));
        Nd4jBackend gpu = new Nd4jBackend("org.nd4j.linalg.jcublas.JCublasBackend", "1.0.0-M2.1", false,
                List.of("NVIDIA A10G, 22731 MiB"));
        assertNull(DoctorCommand.cudaProblem("cuda", gpu));
        assertNull(DoctorCommand.cudaProblem(null, cpu));
        assertNull(DoctorCommand.cudaProblem("cpu", cpu));
    }

    /** The real variable in a real process: doctor exits 1 with the reason, and never prints PASS. */
    @Test
    void multitagBackendCudaOnThisMachineFails() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Multitag.class.getName());
        cmd.add("doctor");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MULTITAG_BACKEND", "cuda");
        Process p = pb.start();
        p.getOutputStream().close();
        // small outputs: read after exit
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "doctor finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(DoctorCommand.EXIT_FAILED, p.exitValue(), out + err);
        assertTrue(err.contains("error: MULTITAG_BACKEND=cuda asks for CUDA, but the ND4J backend loaded is "
                + "org.nd4j.linalg.cpu.nativecpu.CpuBackend"), err);
        assertTrue(out.contains("backend asked  MULTITAG_BACKEND=cuda"), out);
        assertTrue(!out.contains("PASS"), out);
    }

    @Test
    void aBackendThatCannotLoadIsNamedNotStackTraced() {
        // what ND4J's CUDA build throws on a machine without the NVIDIA driver (seen with the -Pcuda jar here)
        String said = Multitag.backendFailure(new RuntimeException("init",
                new UnsatisfiedLinkError("libjnicudart.so: libcuda.so.1: cannot open shared object file")));
        assertTrue(said != null && said.startsWith("ND4J could not load its") && said.contains("libcuda.so.1"), said);
        assertNull(Multitag.backendFailure(new IllegalStateException("something else")));
    }

    @Test
    void versionCarriesTheComputeBlock() {
        TestModels.Result v = TestModels.run("--version");
        assertEquals(0, v.code(), v.err());
        for (String name : List.of("CPU ", "CPU flags", "AMX", "ND4J", "device", "kernels", "precision")) {
            assertTrue(v.out().contains("\n" + name), name + " in " + v.out());
        }
    }
}
