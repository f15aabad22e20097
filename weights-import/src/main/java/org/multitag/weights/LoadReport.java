package org.multitag.weights;

import java.util.List;

/**
 * Result of matching a checkpoint to a model: the tensors under their canonical HF names, plus the
 * expected names the checkpoint lacks and the checkpoint names the model does not use.
 */
public record LoadReport(StateDict weights, List<String> missing, List<String> unexpected) {

    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
    }

    /** True when every expected tensor was found. */
    public boolean complete() {
        return missing.isEmpty();
    }

    /** The two warnings transformers prints, worded the same way; empty when there is nothing to say. */
    public String describe(String source, String modelClass) {
        StringBuilder sb = new StringBuilder();
        if (!unexpected.isEmpty()) {
            sb.append("Some weights of the model checkpoint at ").append(source)
                    .append(" were not used when initializing ").append(modelClass).append(": ")
                    .append(unexpected).append('\n');
        }
        if (!missing.isEmpty()) {
            sb.append("Some weights of ").append(modelClass).append(" were not initialized from the model checkpoint at ")
                    .append(source).append(" and are newly initialized: ").append(missing).append('\n');
        }
        return sb.toString();
    }
}
