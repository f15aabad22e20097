package org.multitag.train.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The residual add, {@code out = y + x} (float, in torch's order); its backward sends dout to both inputs. */
final class Residual {

    private Residual() {}

    static void add(INDArray y, INDArray x, INDArray out) {
        out.assign(y);
        out.addi(x);
    }
}
