package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.model.TaggingModel;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.Nd4jBackend;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.SelfCheck;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.weights.BertConfig;
import org.multitag.weights.NamedModels;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code multitag doctor}: what this process computes on, whether the model computes right there, and how fast.
 * What to run first on a new machine or backend; it fails rather than skip what it was asked to check.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check the compute setup: the CPU and its flags (AVX2, AVX-512, AVX512-BF16, AMX), the AMX "
                + "permission, the ND4J backend and device, the kernels and precision asked for and in use; then a "
                + "forward and backward of a tiny random BERT on that setting against the CPU reference (scalar "
                + "Java kernels, float32): PASS within 1e-4 relative in fp32, 5e-2 in bf16; then tokens/s of "
                + "inference and of a training step (the tiny model, or --model).",
            "Exit code 0 when the check passes; 1 when it fails, when the kernels or precision cannot run here, or "
                + "when MULTITAG_BACKEND=cuda asks for CUDA and the loaded ND4J backend is not CUDA or sees no GPU."})
final class DoctorCommand implements Callable<Integer> {

    /** Exit code of a check that failed (not bad input: the machine or build is not what was asked). */
    static final int EXIT_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME|DIR",
            description = "Time this model (a folder or a name, as --model elsewhere) instead of the tiny one; a "
                    + "random head of 16 labels is trained.")
    String model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8",
            description = "Sequences per timed batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--length", paramLabel = "T", defaultValue = "128",
            description = "Tokens per timed sequence, at most the model's positions (default: ${DEFAULT-VALUE}).")
    int length;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || length < 2) {
            throw new org.multitag.core.InputException("--batch must be >= 1 and --length >= 2, not " + batch
                    + " and " + length);
        }
        compute.apply();
        ComputeSetting setting = ComputeSetting.defaults();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ComputeReport.lines(setting).forEach(out::println);
        } catch (IllegalArgumentException e) {
            return fail(out, err, e.getMessage());
        }
        out.flush();
        String cuda = cudaProblem(System.getenv(ComputeReport.BACKEND_VARIABLE), Nd4jBackend.current());
        if (cuda != null) {
            return fail(out, err, cuda);
        }

        SelfCheck.Result check;
        try {
            check = SelfCheck.run(setting);
        } catch (IllegalArgumentException e) {
            // kernels or a precision this build does not have yet: "not built", and no pass
            return fail(out, err, "the self-check cannot run: " + e.getMessage());
        }
        BertConfig tiny = SelfCheck.tinyConfig();
        out.println(ComputeReport.line("check", String.format(Locale.ROOT, "forward+backward of a tiny random BERT "
                + "(hidden %d, %d layers) against the scalar fp32 reference: %d tensors, max abs diff %.2e, max rel "
                + "diff %.2e (%s); tolerance %.0e (%s): %s", tiny.hiddenSize(), tiny.numHiddenLayers(),
                check.tensors(), check.maxAbs(), check.maxRel(), check.worst(), check.tolerance(),
                check.precision().label(), check.passed() ? "PASS" : "FAIL")));
        out.flush();
        if (!check.passed()) {
            return fail(out, err, "the model on this setting differs from the reference by " + String.format(
                    Locale.ROOT, "%.2e", check.maxRel()) + " relative (" + check.worst() + "), over the tolerance");
        }
        speed(out, setting);
        out.flush();
        return 0;
    }

    /**
     * Why a CUDA run is not possible, or null: asked through {@code MULTITAG_BACKEND=cuda} (what the launcher reads)
     * while the loaded backend is not CUDA, or is but sees no device.
     */
    static String cudaProblem(String asked, Nd4jBackend backend) {
        if (asked == null || !asked.trim().equalsIgnoreCase("cuda")) {
            return null;
        }
        if (!backend.cuda()) {
            return ComputeReport.BACKEND_VARIABLE + "=cuda asks for CUDA, but the ND4J backend loaded is "
                    + backend.className() + ": this build has no CUDA backend (build with -Pcuda)";
        }
        if (backend.devices().isEmpty()) {
            return ComputeReport.BACKEND_VARIABLE + "=cuda: ND4J's CUDA backend is loaded but sees no GPU";
        }
        return null;
    }

    private void speed(PrintWriter out, ComputeSetting setting) throws IOException {
        BertWeights weights;
        String what;
        if (model == null) {
            weights = SelfCheck.randomWeights(SelfCheck.tinyConfig(), 1);
            what = "tiny random model";
        } else {
            TaggingModel m = TaggingModel.read(NamedModels.fromEnvironment().resolve(model));
            weights = m.encoderWeights();
            what = model;
        }
        try (weights) {
            BertConfig config = weights.config();
            int t = Math.min(length, config.maxPositionEmbeddings());
            var input = SpeedProbe.batch(batch, t, config.vocabSize(), 1);
            INDArray[] head = TokenClassifier.newClassifier(config, SpeedProbe.LABELS, 7);
            try {
                SpeedProbe.Speed infer = SpeedProbe.inference(weights, head, setting, input);
                SpeedProbe.Speed train = SpeedProbe.trainStep(weights, head, setting, input);
                out.println(ComputeReport.line("speed", String.format(Locale.ROOT, "%s, batch %d x %d tokens: "
                        + "inference %.0f tokens/s (%d calls), train step %.0f tokens/s (%d steps)", what, batch, t,
                        infer.tokensPerSecond(), infer.calls(), train.tokensPerSecond(), train.calls())));
            } finally {
                head[0].close();
                head[1].close();
            }
        }
    }

    private static int fail(PrintWriter out, PrintWriter err, String why) {
        out.flush();
        err.println("error: " + why);
        err.flush();
        return EXIT_FAILED;
    }
}
