package org.multitag.model.platform;

import java.util.Locale;

/**
 * Turns on bfloat16 products on Intel AMX for this process, safely. Two steps, in this order, once per process:
 * <ol>
 *   <li>ask Linux for the tile registers, {@code arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)}: since Linux
 *       5.16 a process that runs an AMX instruction without this permission dies with SIGILL, and the oneDNN inside
 *       ND4J 1.0.0-M2.1 (v2.3) predates the opt-in and never asks;</li>
 *   <li>set {@code DNNL_MAX_CPU_ISA=AVX512_CORE_AMX} in the process environment (libc {@code setenv}): oneDNN 2.3
 *       leaves AMX out of its default ISA limit.</li>
 * </ol>
 * oneDNN reads that variable once, when its first primitive asks which ISA it may use (a function-local static in
 * {@code cpu_isa_traits.cpp}), not when the library loads: so this works after ND4J has loaded and run elementwise
 * ops, as long as no oneDNN primitive (a gemm, a softmax) has run yet in the process. Measured with {@code
 * DNNL_VERBOSE=1}: a limit set after ND4J loaded takes effect; set after one gemm, it is ignored. Ignored is safe
 * (bfloat16 then runs on AVX512-BF16), only slower.
 *
 * <p>Never throws: a CPU without AMX, another platform, a refused permission or a failed native call each give a
 * {@link Status} saying why, and the caller falls back.
 */
public final class Amx {

    /** oneDNN's ISA limit variable (oneDNN 2.3 reads only the {@code DNNL_} spelling). */
    public static final String ISA_VARIABLE = "DNNL_MAX_CPU_ISA";
    /** The limit that lets oneDNN 2.3 use AMX. */
    public static final String ISA_AMX = "AVX512_CORE_AMX";
    /** What a user's AMX limit becomes when the permission is refused: the same ISA without the tiles. */
    static final String ISA_WITHOUT_AMX = "AVX512_CORE_BF16";

    /** How the AMX steps ended. */
    public enum State {
        /** Permission granted and oneDNN's limit set: bfloat16 products run on AMX. */
        ENABLED,
        /** The CPU has no AMX tiles with bfloat16 ({@code amx_tile}, {@code amx_bf16}). */
        NO_AMX,
        /** Not Linux on x86-64: nothing to ask. */
        UNSUPPORTED_PLATFORM,
        /** The CPU has AMX but a step failed (permission refused, native call unavailable, a user's limit kept). */
        FAILED
    }

    /**
     * The outcome of the AMX steps.
     *
     * @param detail why, in words for a report line
     */
    public record Status(State state, String detail) {
        /** Whether bfloat16 products may use AMX. */
        public boolean enabled() {
            return state == State.ENABLED;
        }
    }

    private static Status status;

    private Amx() {}

    /** Runs the two steps the first time (later calls return the same status), on this machine's CPU. */
    public static synchronized Status enable() {
        if (status == null) {
            CpuFeatures cpu = CpuFeatures.detect();
            status = enable(cpu, cpu.hasAmx() && CpuFeatures.linuxX86() ? libc() : null);
        }
        return status;
    }

    /** The status of the steps if they were run, else null (for a report that must not change anything). */
    public static synchronized Status current() {
        return status;
    }

    /**
     * Runs {@link #enable()} and says what bfloat16 products run on in this process: AMX when enabled, else what the
     * CPU's flags offer.
     */
    public static Bf16Path prepareBf16() {
        return Bf16Path.of(enable(), CpuFeatures.detect());
    }

    /**
     * Whether Linux lets this process use the tile registers ({@code arch_prctl(ARCH_GET_XCOMP_PERM)}, bit 18): "granted",
     * "not granted", or "unknown" with why. Changes nothing.
     */
    public static String permission() {
        if (!CpuFeatures.linuxX86()) {
            return "unknown (not Linux on x86-64)";
        }
        OsCalls os = libc();
        if (os == null) {
            return "unknown (JNA could not load)";
        }
        long mask = os.permittedFeatures();
        if (mask < 0) {
            return "unknown (arch_prctl(ARCH_GET_XCOMP_PERM) failed: Linux older than 5.16?)";
        }
        return (mask & (1L << LibcCalls.XFEATURE_XTILEDATA)) != 0 ? "granted" : "not granted";
    }

    /** The steps on {@code cpu} through {@code os} (null: the native calls are unavailable). */
    static Status enable(CpuFeatures cpu, OsCalls os) {
        if (!cpu.known()) {
            return new Status(State.UNSUPPORTED_PLATFORM, "AMX is only enabled on Linux x86-64");
        }
        if (!cpu.hasAmx()) {
            return new Status(State.NO_AMX, "this CPU has no AMX (amx_tile, amx_bf16)");
        }
        if (os == null) {
            return new Status(State.FAILED, "the native calls (JNA into libc) could not load");
        }
        try {
            int errno = os.requestTileData();
            if (errno != 0) {
                return new Status(State.FAILED, "Linux refused the AMX permission (arch_prctl(ARCH_REQ_XCOMP_PERM)"
                        + " errno " + errno + ")" + disarm(os));
            }
            String user = os.getenv(ISA_VARIABLE);
            if (user != null && !user.isBlank()) {
                // a limit the user chose is theirs to keep: AMX only if it already allows it
                boolean amx = user.trim().toUpperCase(Locale.ROOT).equals(ISA_AMX);
                return new Status(amx ? State.ENABLED : State.FAILED, ISA_VARIABLE + "=" + user
                        + " set outside multitag: kept" + (amx ? "" : ", so oneDNN does not use AMX"));
            }
            int set = os.setenv(ISA_VARIABLE, ISA_AMX);
            if (set != 0) {
                return new Status(State.FAILED, "setenv(" + ISA_VARIABLE + ") failed (errno " + set + ")");
            }
            return new Status(State.ENABLED, "permission granted, " + ISA_VARIABLE + "=" + ISA_AMX);
        } catch (RuntimeException | LinkageError e) {
            return new Status(State.FAILED, "a native call failed: " + e);
        }
    }

    /**
     * With the permission refused, an AMX limit set outside multitag would let oneDNN run a tile instruction and kill
     * the process (SIGILL): lowered to the same ISA without AMX, which oneDNN honours if it has not read it yet.
     */
    private static String disarm(OsCalls os) {
        String user = os.getenv(ISA_VARIABLE);
        if (user == null || !user.toUpperCase(Locale.ROOT).contains("AMX")) {
            return "";
        }
        return os.setenv(ISA_VARIABLE, ISA_WITHOUT_AMX) == 0
                ? "; " + ISA_VARIABLE + "=" + user + " lowered to " + ISA_WITHOUT_AMX
                : "; " + ISA_VARIABLE + "=" + user + " could not be lowered";
    }

    private static OsCalls libc() {
        try {
            return new LibcCalls();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
