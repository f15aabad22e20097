package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.Precision;

/** The self-check passes the Java kernels in fp32 and catches kernels whose products are 0.1 % off. */
class SelfCheckTest {

    static final ComputeSetting JAVA_FP32 = new ComputeSetting(0, KernelChoice.JAVA, Precision.FP32);

    @Test
    void theJavaKernelsPass() {
        SelfCheck.Result r = SelfCheck.run(JAVA_FP32);
        System.out.printf("java fp32 vs scalar reference: %d tensors, max abs %.2e, max rel %.2e (%s)%n", r.tensors(),
                r.maxAbs(), r.maxRel(), r.worst());
        assertEquals(Precision.FP32, r.precision());
        assertEquals(SelfCheck.FP32_TOLERANCE, r.tolerance());
        assertEquals(1 + 16 * 2 + 5 + 2, r.tensors(), "logits, 16 tensors per layer, 5 embedding tensors, the head");
        assertTrue(r.passed(), r.toString());
    }

    /** Scalar kernels whose gemm scales by 1.001: a backend with a subtly wrong op must fail. */
    @Test
    void aWrongGemmFails() {
        Kernels exact = Kernels.scalar(1);
        Kernels wrong = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("gemm")) {
                        args[5] = (double) args[5] * 1.001;
                    }
                    try {
                        return method.invoke(exact, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SelfCheck.Result r = SelfCheck.compare(JAVA_FP32, wrong);
        assertFalse(r.passed(), r.toString());
        assertTrue(r.maxRel() > 5e-4, r.toString());
    }
}
