package org.multitag.cli.options;

import org.multitag.core.InputException;
import org.multitag.data.ExampleReader;
import org.multitag.model.LongText;
import org.multitag.weights.BertConfig;
import picocli.CommandLine.Option;

/**
 * {@code --max-length N}, {@code --long-text window|truncate|error}, {@code --stride N} and {@code --truncate}: how
 * long an input may be, and what happens to a longer one.
 */
public final class LengthOptions {

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest input in tokens, special tokens included (default: the model's "
                    + "max_position_embeddings). What happens to a longer one: --long-text.")
    Integer maxLength;

    @Option(names = "--long-text", paramLabel = "window|truncate|error",
            description = "What happens to an input longer than --max-length: window (the default) splits it into "
                    + "overlapping windows of at most --max-length tokens, cut between words, and each word takes its "
                    + "probabilities (and its embeddings) from the window where it is most central (train trains each "
                    + "labelled word once, in that window); truncate cuts it (the words cut off get no labels and are "
                    + "not trained on); error refuses it. An input under the limit is processed the same either way.")
    String longText;

    @Option(names = "--stride", paramLabel = "N",
            description = "Tokens that consecutive windows share, at least where word boundaries allow "
                    + "(default: a quarter of --max-length; at most --max-length - 3).")
    Integer stride;

    @Option(names = "--truncate", description = "The same as --long-text truncate: cut longer inputs to the maximum "
            + "length: the words cut off get no labels (and are not trained on).")
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

    /** What happens to a longer input: {@code --long-text}, {@code --truncate}, else windows. */
    public LongText longText() {
        return LongText.fromOptions(longText, truncate, stride != null);
    }

    /** The {@code --stride}, checked against windows of {@code limit} tokens; -1 (the default) when not given. */
    public int stride(int limit) {
        if (stride == null) {
            return -1;
        }
        if (stride < 0 || stride > limit - 3) {
            throw new InputException("--stride must be in [0, " + (limit - 3) + "] (windows of " + limit + " tokens, "
                    + "2 of them special, must move on), not " + stride);
        }
        return stride;
    }

    /** Whether longer inputs are cut ({@code --truncate} or {@code --long-text truncate}). */
    public boolean truncate() {
        return longText() == LongText.TRUNCATE;
    }

    /**
     * Reader options at these lengths, a word labelled at its first sub-token, failing on the first bad line. With
     * windows the reader takes examples of any length (the scorer splits the longer ones).
     */
    public ExampleReader.Options readerOptions(BertConfig config) {
        LongText mode = longText();
        if (mode == LongText.WINDOW) {
            return new ExampleReader.Options(0, false, false, false);
        }
        return new ExampleReader.Options(limit(config), mode == LongText.TRUNCATE, false, false);
    }
}
