package org.multitag.model.kernels;

import java.util.Locale;

/** The feed-forward activations a BERT config may name in {@code hidden_act}. */
public enum Activation {
    /** Exact GELU, {@code 0.5·x·(1+erf(x/√2))}: BERT's {@code gelu}. */
    GELU,
    /** The tanh approximation, {@code 0.5·x·(1+tanh(√(2/π)(x+0.044715x³)))}: {@code gelu_new}. */
    GELU_TANH,
    /** {@code max(x, 0)}. */
    RELU;

    /** The activation a config's {@code hidden_act} names; an unknown name is an error naming it. */
    public static Activation fromConfig(String hiddenAct) {
        return switch (hiddenAct == null ? "gelu" : hiddenAct.toLowerCase(Locale.ROOT)) {
            case "gelu", "gelu_python" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("unsupported hidden_act \"" + hiddenAct
                    + "\" (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)");
        };
    }

    /** The activation in double precision: the reference the kernels are tested against. */
    public double apply(double x) {
        return switch (this) {
            case GELU -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * x * (1 + StrictMath.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case RELU -> Math.max(x, 0);
        };
    }

    /** The derivative of {@link #apply} in double precision: the reference of the backward kernels. */
    public double derivative(double x) {
        return switch (this) {
            case GELU -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double k = Math.sqrt(2 / Math.PI);
                double th = StrictMath.tanh(k * (x + 0.044715 * x * x * x));
                yield 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * 0.044715 * x * x);
            }
            case RELU -> x > 0 ? 1 : 0;
        };
    }
}
