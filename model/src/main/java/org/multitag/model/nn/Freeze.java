package org.multitag.model.nn;

/**
 * Which parts of the model train. The classifier head always does; frozen parts get no gradient buffer and
 * their backward is skipped (nothing below the lowest trainable layer runs backward at all).
 *
 * @param embeddings whether the embedding tables and their LayerNorm train
 * @param topLayers how many encoder layers, counted from the top, train ({@code Integer.MAX_VALUE} = all)
 */
public record Freeze(boolean embeddings, int topLayers) {

    public Freeze {
        if (topLayers < 0) {
            throw new IllegalArgumentException("topLayers must be >= 0, not " + topLayers);
        }
        if (embeddings && topLayers != Integer.MAX_VALUE) {
            throw new IllegalArgumentException("trainable embeddings under frozen layers get no gradient");
        }
    }

    /** Everything trains. */
    public static Freeze none() {
        return new Freeze(true, Integer.MAX_VALUE);
    }

    /** Only the classifier head trains; the encoder is a fixed feature extractor. */
    public static Freeze headOnly() {
        return new Freeze(false, 0);
    }

    /** The head and the top {@code k} encoder layers train; the embeddings and the layers below are frozen. */
    public static Freeze topLayers(int k) {
        return new Freeze(false, k);
    }

    /** Whether layer {@code index} (0 = the bottom) of {@code count} trains. */
    public boolean layerTrains(int index, int count) {
        return embeddings || index >= count - Math.min(topLayers, count);
    }
}
