package org.multitag.cli.options;

import org.multitag.core.InputException;
import org.multitag.data.ExampleReader;
import org.multitag.weights.BertConfig;
import picocli.CommandLine.Option;

/** {@code --max-length N} and {@code --truncate}: how long an input may be, and what happens to a longer one. */
public final class LengthOptions {

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest input in tokens, special tokens included (default: the model's "
                    + "max_position_embeddings). A longer one is an error unless --truncate.")
    Integer maxLength;

    @Option(names = "--truncate", description = "Cut longer inputs to the maximum length instead of failing: the words "
            + "cut off get no labels (and are not trained on).")
    boolean truncate;

    /** The {@code --max-length} given, checked against the model (null when not given). */
    public Integer maxLength(BertConfig config) {
        int positions = config.maxPositionEmbeddings();
        // a word needs [CLS] and [SEP] around it; the position table has no row past its size
        if (maxLength != null && (maxLength < 3 || maxLength > positions)) {
            throw new InputException("--max-length must be in [3, " + positions + "] (the model's "
                    + "max_position_embeddings), not " + maxLength);
        }
        return maxLength;
    }

    /** The longest input: {@code --max-length}, checked, or the model's max_position_embeddings. */
    public int limit(BertConfig config) {
        Integer n = maxLength(config);
        return n == null ? config.maxPositionEmbeddings() : n;
    }

    /** Whether the limit was set by {@code --max-length} (for messages that say which limit a line broke). */
    public boolean given() {
        return maxLength != null;
    }

    public boolean truncate() {
        return truncate;
    }

    /** Reader options at these lengths, a word labelled at its first sub-token, failing on the first bad line. */
    public ExampleReader.Options readerOptions(BertConfig config) {
        return new ExampleReader.Options(limit(config), truncate, false, false);
    }
}
