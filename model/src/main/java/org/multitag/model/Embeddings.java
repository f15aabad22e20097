package org.multitag.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** BERT's input embeddings: word + token type + position (0, 1, … per row), then LayerNorm. */
public final class Embeddings {

    private Embeddings() {}

    /** Writes the embeddings of {@code batch} into {@code out [batch·t, H]}. */
    public static void forward(BertWeights w, Batch batch, INDArray out, Compute c) {
        int h = w.config().hiddenSize();
        int n = batch.size() * batch.maxLength();
        var outBytes = NativeArrays.bytes(out);
        c.kernels().embeddingSum(batch.inputIds(), batch.tokenTypeIds(), NativeArrays.bytes(w.wordEmbeddings()),
                NativeArrays.bytes(w.typeEmbeddings()), NativeArrays.bytes(w.positionEmbeddings()), outBytes, h,
                c.parallel());
        c.kernels().biasResidualLayerNorm(outBytes, null, null, NativeArrays.bytes(w.embLnGamma()),
                NativeArrays.bytes(w.embLnBeta()), (float) w.config().layerNormEps(), outBytes, n, h, c.parallel());
    }
}
