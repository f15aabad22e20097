package org.multitag.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multitag.core.InputException;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The options set the process default each command's models take, starting from the environment every time. */
class ComputeOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ComputeOptions compute;
    }

    static void apply(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        p.compute.apply();
    }

    @AfterEach
    void restore() {
        ComputeSetting.setDefaults(ComputeSetting.fromEnvironment());
    }

    @Test
    void aCommandDoesNotInheritTheLastCommandsChoice() {
        assumeTrue(System.getenv("MULTITAG_PRECISION") == null && System.getenv("MULTITAG_KERNELS") == null,
                "the environment chooses");
        apply("--precision", "bf16", "--kernels", "nd4j", "--threads", "1");
        assertEquals(new ComputeSetting(1, KernelChoice.ND4J, Precision.BF16), ComputeSetting.defaults());
        // a later command in the same JVM (tests, an embedding program) without the options: the environment's again
        apply();
        assertEquals(new ComputeSetting(0, KernelChoice.AUTO, Precision.FP32), ComputeSetting.defaults());
    }

    @Test
    void badChoicesNameTheOption() {
        InputException e = assertThrows(InputException.class, () -> apply("--precision", "fp16"));
        assertEquals("--precision must be fp32, bf16 or auto, not \"fp16\"", e.getMessage());
        e = assertThrows(InputException.class, () -> apply("--kernels", "gpu"));
        assertEquals("--kernels must be auto, java or nd4j, not \"gpu\"", e.getMessage());
    }
}
