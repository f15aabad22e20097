package org.multitag.model.kernels;

import java.util.Objects;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a model computes: its threads, its kernels and the precision of its matrix products. The one place these are
 * chosen: {@link Kernels#create(ComputeSetting)} builds the kernels a setting asks for, and nothing above the kernels
 * knows which are in use.
 *
 * <p>A model built without an explicit setting takes {@link #defaults()} with its own thread count: the process
 * default, which the command line sets from {@code --kernels} and {@code --precision}, and which starts from the
 * environment variables {@code MULTITAG_KERNELS} and {@code MULTITAG_PRECISION} (else {@code auto} and {@code fp32}).
 *
 * @param threads Java kernel threads (0: as many as cores)
 * @param kernels which kernel implementation
 * @param precision the matrix products' number format
 */
public record ComputeSetting(int threads, KernelChoice kernels, Precision precision) {

    private static volatile ComputeSetting defaults;

    public ComputeSetting {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, not " + threads);
        }
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(precision, "precision");
    }

    /**
     * The process default: the last {@link #setDefaults}, else the environment's {@code MULTITAG_KERNELS} and
     * {@code MULTITAG_PRECISION}, else {@code auto} kernels in {@code fp32}, all cores.
     *
     * @throws IllegalArgumentException when an environment variable holds no valid choice
     */
    public static ComputeSetting defaults() {
        ComputeSetting d = defaults;
        if (d == null) {
            d = fromEnvironment();
            defaults = d;
        }
        return d;
    }

    /**
     * The environment's setting: {@code MULTITAG_KERNELS} and {@code MULTITAG_PRECISION}, else {@code auto} kernels
     * in {@code fp32}, all cores; what a command line starts from, whatever an earlier command in the same JVM set.
     *
     * @throws IllegalArgumentException when an environment variable holds no valid choice
     */
    public static ComputeSetting fromEnvironment() {
        return new ComputeSetting(0, env("MULTITAG_KERNELS", KernelChoice.AUTO.label(), KernelChoice::parse),
                env("MULTITAG_PRECISION", Precision.FP32.label(), Precision::parse));
    }

    /** Replaces the process default for models built from now on. */
    public static void setDefaults(ComputeSetting setting) {
        defaults = Objects.requireNonNull(setting, "setting");
    }

    private static <T> T env(String name, String fallback, java.util.function.Function<String, T> parse) {
        String v = System.getenv(name);
        try {
            return parse.apply(v == null || v.isBlank() ? fallback : v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    public ComputeSetting withThreads(int n) {
        return new ComputeSetting(n, kernels, precision);
    }

    public ComputeSetting withKernels(KernelChoice k) {
        return new ComputeSetting(threads, k, precision);
    }

    public ComputeSetting withPrecision(Precision p) {
        return new ComputeSetting(threads, kernels, p);
    }

    /** The threads to start: {@link #threads}, or the core count for 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** {@link #kernels} with {@code auto} resolved against the ND4J backend this process loaded. */
    public KernelChoice resolvedKernels() {
        return kernels.resolved();
    }

    /**
     * {@link #precision} as this process runs it: {@code fp32} stays; {@code bf16} stays (with one stderr line when its
     * products cannot use AMX here); {@code auto} is bf16 where the CPU has AMX and it could be enabled or where
     * AVX512-BF16 alone measured faster (AMD), else fp32 (with one stderr line saying why). The first call that may need bf16 enables AMX for the process, which must
     * happen before oneDNN's first primitive: {@link Kernels#create(ComputeSetting)} calls this first.
     */
    public Precision resolvedPrecision() {
        return PrecisionChoice.resolve(precision);
    }

    /** Whether ND4J runs on its CPU backend ({@code nd4j-native}), whose arrays live in host memory. */
    public static boolean cpuBackend() {
        return Nd4j.getBackend().getClass().getName().contains(".cpu.");
    }
}
