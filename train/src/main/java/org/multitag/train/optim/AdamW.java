package org.multitag.train.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW as {@code torch.optim.AdamW} computes it (torch 1.13, {@code _single_tensor_adamw}, amsgrad off), in
 * place over float32 parameters. For step {@code t} (counted from 1), with the gradient {@code g}:
 * <pre>
 *   p ← p · (1 − lr·wd)                        decoupled weight decay, applied first
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g·g
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
 * </pre>
 * Note where eps goes: after √v is bias-corrected (ND4J's Adam adds it to the uncorrected √v). The scalars are
 * computed in double, as torch's Python code does, then rounded to float32; the elementwise operations follow
 * torch's order and rounding, including the fused multiply-adds its CPU kernels use for the moments
 * ({@code add_(g, alpha)} and {@code addcmul_}). Without gradient clipping the result equals torch 1.13's bit for
 * bit on the test fixture.
 *
 * <p>Parameter groups as the Hugging Face Trainer sets them up: {@link #decays(String)} says which names get
 * weight decay; biases and LayerNorm weights don't. Every parameter needs a gradient at every step (leave frozen
 * parameters out of the map), so one step counter serves all of them.
 *
 * <p>Parameters may be views of any layout (the transposed and sliced views of
 * {@code BertWeights.parameters()}); they are updated in place. The moments take the parameter's memory order
 * when its elements are one dense block, so the update runs over plain buffer positions; other views are
 * copied into a scratch array and back. Everything is allocated in the constructor or at the first step.
 *
 * <p>With the {@code nd4j} kernels the same update runs as ND4J ops ({@code AdamWOps}) over the arrays where the
 * backend keeps them: no host memory is touched. Its multiply-adds round twice where torch's fuse them, so it agrees
 * with the host version to float32 rounding, not bit for bit (resume is still bit-exact within it).
 *
 * <p>State for checkpoints: {@link #state()} (moments by name) and {@link #steps()}; {@link #restore} puts
 * them back, after which the next step is bit-identical to the uninterrupted run.
 */
public final class AdamW {

    /** Prefix of the first-moment arrays in {@link #state()} (torch's name). */
    public static final String EXP_AVG = "exp_avg.";

    /** Prefix of the second-moment arrays in {@link #state()} (torch's name). */
    public static final String EXP_AVG_SQ = "exp_avg_sq.";

    /** Elements per block of the kernel's heap copies (4 arrays of 64 KB per thread). */
    private static final int BLOCK = 16_384;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Parallel parallel;
    private final boolean ops;
    private final ThreadLocal<float[][]> blocks = ThreadLocal.withInitial(() -> new float[4][BLOCK]);
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, INDArray> state = new LinkedHashMap<>();
    private long steps;

    /** torch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01; decay by {@link #decays}. */
    public AdamW(Map<String, INDArray> parameters) {
        this(parameters, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, null);
    }

    /**
     * @param parameters float32 arrays updated in place, by name (iteration order is kept)
     * @param decay which names get weight decay
     * @param parallel threads for the update of large parameters, or null for the calling thread only (the
     *     result is the same either way)
     */
    public AdamW(Map<String, INDArray> parameters, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decay, Parallel parallel) {
        this(parameters, beta1, beta2, eps, weightDecay, decay, parallel, KernelChoice.JAVA);
    }

    /**
     * As {@link #AdamW(Map, double, double, double, double, Predicate, Parallel)}, for a model on {@code kernels}
     * ({@code auto} resolved as {@link KernelChoice#resolved()} does): {@code java} updates in Java over
     * host memory, {@code nd4j} with ND4J ops ({@code parallel} unused).
     */
    public AdamW(Map<String, INDArray> parameters, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decay, Parallel parallel, KernelChoice kernels) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1): " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("eps and weight decay must be >= 0: " + eps + ", " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.parallel = parallel;
        this.ops = kernels.resolved() == KernelChoice.ND4J;
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            Slot s = new Slot(e.getKey(), e.getValue(), decay.test(e.getKey()), !ops);
            slots.add(s);
            state.put(EXP_AVG + s.name, s.expAvg);
        }
        for (Slot s : slots) {
            state.put(EXP_AVG_SQ + s.name, s.expAvgSq);
        }
    }

    /**
     * Whether a parameter gets weight decay, as the Hugging Face Trainer decides: not for names ending in
     * {@code .bias} or containing {@code LayerNorm.}.
     */
    public static boolean decays(String name) {
        return !(name.endsWith(".bias") || name.contains("LayerNorm."));
    }

    /**
     * One update of every parameter with its gradient, at learning rate {@code lr} (the schedule's value for
     * this step). Gradients are read only; any layout is accepted.
     *
     * @param gradients by parameter name, same shapes as the parameters
     */
    public void step(Map<String, INDArray> gradients, double lr) {
        step(gradients, name -> lr);
    }

    /**
     * One update with a learning rate per parameter (parameter groups, e.g. a faster head): {@code lrOf} gives
     * each parameter name its rate for this step.
     */
    public void step(Map<String, INDArray> gradients, ToDoubleFunction<String> lrOf) {
        for (Slot s : slots) {
            INDArray g = gradients.get(s.name);
            if (g == null) {
                throw new IllegalArgumentException("no gradient for parameter " + s.name);
            }
            if (!Arrays.equals(g.shape(), s.param.shape())) {
                throw new IllegalArgumentException("gradient of " + s.name + " has shape "
                        + Arrays.toString(g.shape()) + ", the parameter " + Arrays.toString(s.param.shape()));
            }
        }
        steps++;
        Map<Double, Scalars> byLr = new java.util.HashMap<>(4);
        for (Slot s : slots) {
            update(s, gradients.get(s.name), byLr.computeIfAbsent(lrOf.applyAsDouble(s.name), this::scalars));
        }
    }

    /** The step's scalars at learning rate {@code lr}. */
    private Scalars scalars(double lr) {
        // torch: bias_correction1 = 1 - beta1 ** step; step_size = lr / bias_correction1;
        //        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)   (all Python floats, i.e. double)
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        return new Scalars(
                (float) (1 - lr * weightDecay),
                (float) beta1, (float) (1 - beta1),
                (float) beta2, (float) (1 - beta2),
                (float) Math.sqrt(bc2),
                (float) eps,
                (float) -(lr / bc1));
    }

    /** The number of steps taken (torch's {@code state['step']}). */
    public long steps() {
        return steps;
    }

    /**
     * The moments as live arrays: {@code exp_avg.<name>} for every parameter, then {@code exp_avg_sq.<name>},
     * each of the parameter's shape (its memory order may be {@code 'f'}: copy with {@code dup('c')} to
     * serialize row-major). Save them with {@link #steps()}.
     */
    public Map<String, INDArray> state() {
        return Collections.unmodifiableMap(state);
    }

    /**
     * Puts back a state saved from {@link #state()} and {@link #steps()} by an optimizer over the same
     * parameter names and shapes. Values are copied; any array layout is accepted.
     */
    public void restore(Map<String, INDArray> saved, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, not " + steps);
        }
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            INDArray src = saved.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("saved optimizer state has no " + e.getKey());
            }
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("saved " + e.getKey() + " has shape "
                        + Arrays.toString(src.shape()) + ", expected " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String name : saved.keySet()) {
            if (!state.containsKey(name)) {
                throw new IllegalArgumentException("saved optimizer state has an unknown array " + name);
            }
        }
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            e.getValue().assign(saved.get(e.getKey()));
        }
        this.steps = steps;
    }

    /** The per-step scalars, each rounded to float32 as torch hands them to its kernels. */
    private record Scalars(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float bc2Sqrt, float eps, float negStepSize) {}

    /** One parameter, its moments, and the buffers the kernel runs over. */
    private static final class Slot {
        final String name;
        final INDArray param;
        final boolean decay;
        final char order;            // memory order of the moments and of the kernel's buffers
        final INDArray expAvg;
        final INDArray expAvgSq;
        final INDArray paramScratch; // null when the parameter is dense: the kernel then writes it directly
        // the host kernel's views (null for the ND4J-op update)
        final FloatBuffer p;
        final FloatBuffer m;
        final FloatBuffer v;
        AdamWOps.Scratch opsScratch; // the ND4J-op update's, allocated at its first step
        INDArray gradScratch;        // allocated when a gradient's layout differs from `order`
        INDArray lastGrad;           // the gradient `g` was made for
        FloatBuffer g;

        Slot(String name, INDArray param, boolean decay, boolean host) {
            this.name = name;
            this.param = param;
            this.decay = decay;
            char dense = DenseBuffers.denseOrder(param);
            this.order = dense == 0 ? 'c' : dense;
            long[] shape = param.shape();
            this.expAvg = Nd4j.create(DataType.FLOAT, shape, order);     // zero-filled
            this.expAvgSq = Nd4j.create(DataType.FLOAT, shape, order);
            this.paramScratch = host && dense == 0 ? Nd4j.create(DataType.FLOAT, shape, order) : null;
            this.p = host ? DenseBuffers.floats(paramScratch == null ? param : paramScratch) : null;
            this.m = host ? DenseBuffers.floats(expAvg) : null;
            this.v = host ? DenseBuffers.floats(expAvgSq) : null;
        }

        /** Makes {@link #g} the gradient's elements in {@link #order}, copying only when the layouts differ. */
        void bindGradient(INDArray grad) {
            if (grad != lastGrad) {
                lastGrad = grad;
                if (DenseBuffers.denseOrder(grad) == order) {
                    g = DenseBuffers.floats(grad);
                    return;
                }
                if (gradScratch == null) {
                    gradScratch = Nd4j.create(DataType.FLOAT, param.shape(), order);
                }
                g = DenseBuffers.floats(gradScratch);
            }
            if (gradScratch != null) {
                gradScratch.assign(grad);
            }
        }
    }

    private void update(Slot s, INDArray grad, Scalars k) {
        if (ops) {
            if (s.opsScratch == null) {
                s.opsScratch = new AdamWOps.Scratch(s.param.shape(), s.order);
            }
            AdamWOps.update(s.param, grad, s.expAvg, s.expAvgSq, s.opsScratch, s.decay ? k.decay() : 1f, k.beta1(),
                    k.oneMinusBeta1(), k.beta2(), k.oneMinusBeta2(), k.bc2Sqrt(), k.eps(), k.negStepSize());
            return;
        }
        s.bindGradient(grad);
        if (s.paramScratch != null) {
            s.paramScratch.assign(s.param);
        }
        // torch multiplies every parameter by (1 - lr·weight_decay), by exactly 1 in the no-decay group
        float decay = s.decay ? k.decay() : 1f;
        int n = s.p.limit();
        if (parallel == null) {
            update(s, decay, k, 0, n);
        } else {
            parallel.range(n, 1, (from, to) -> update(s, decay, k, from, to));
        }
        if (s.paramScratch != null) {
            s.param.assign(s.paramScratch);
        }
    }

    /**
     * Elements {@code [from, to)} of one parameter, in blocks copied to heap arrays: there the JIT vectorizes
     * the loop, which it does not do over native buffers (about 2× faster; the results are the same).
     */
    private void update(Slot s, float decay, Scalars k, int from, int to) {
        float[][] b = blocks.get();
        float[] p = b[0];
        float[] g = b[1];
        float[] m = b[2];
        float[] v = b[3];
        for (int start = from; start < to; start += BLOCK) {
            int len = Math.min(BLOCK, to - start);
            s.p.get(start, p, 0, len);
            s.g.get(start, g, 0, len);
            s.m.get(start, m, 0, len);
            s.v.get(start, v, 0, len);
            kernel(p, g, m, v, len, decay, k);
            s.p.put(start, p, 0, len);
            s.m.put(start, m, 0, len);
            s.v.put(start, v, 0, len);
        }
    }

    /**
     * The elementwise update, each operation rounded to float32 as torch's {@code mul_(1 − lr·wd)},
     * {@code mul_(β1).add_(g, alpha=1 − β1)}, {@code mul_(β2).addcmul_(g, g, value=1 − β2)},
     * {@code sqrt() / bc2_sqrt + eps} and {@code addcdiv_(m, denom, value=−step_size)} round them. Torch's
     * vectorized kernels (and, compiled with FMA, their scalar tails) fuse {@code add_(alpha)} and
     * {@code addcmul_} into one multiply-add: {@code Math.fma} rounds the same way.
     */
    private static void kernel(float[] p, float[] g, float[] m, float[] v, int n, float decay, Scalars k) {
        float b1 = k.beta1();
        float c1 = k.oneMinusBeta1();
        float b2 = k.beta2();
        float c2 = k.oneMinusBeta2();
        float bc2Sqrt = k.bc2Sqrt();
        float eps = k.eps();
        float negStepSize = k.negStepSize();
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = Math.fma(c1, gi, m[i] * b1);
            float vi = Math.fma(c2 * gi, gi, v[i] * b2);
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] * decay + negStepSize * mi / denom;
        }
    }
}
