package org.multitag.model.kernels;

/**
 * Whether the Vector API kernels can run: the JVM has the {@code jdk.incubator.vector} module, the property
 * {@code multitag.scalarKernels} is not set, and one small call through them works on this JDK (the incubating
 * API changes between releases). Checked once, without loading {@link VectorKernels} when the module is absent.
 */
final class VectorSupport {

    static final boolean AVAILABLE = probe();

    private VectorSupport() {}

    private static boolean probe() {
        if (Boolean.getBoolean("multitag.scalarKernels")
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernels.selfTest();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
