package org.multitag.cli.options;

import java.io.IOException;
import java.nio.file.Path;
import org.multitag.model.TaggingModel;
import org.multitag.weights.NamedModels;
import picocli.CommandLine.Option;

/**
 * {@code --model NAME|DIR}: a model name, imported into the model cache on first use, or a model folder. Two
 * variants, because picocli fixes "required" per option: {@link Required} for commands that need the user's model,
 * {@link WithDefault} for those that can start from {@value #DEFAULT}.
 */
public abstract sealed class ModelOption permits ModelOption.Required, ModelOption.WithDefault {

    /** The model {@code demo} and {@code embed} use when no {@code --model} is given. */
    public static final String DEFAULT = "minilm-l6";

    static final String HELP = "A model folder, or a name (minilm-l6, bert-base-uncased, bert-base-cased, "
            + "bert-base-multilingual-cased) imported on first use";

    /** What the user wrote. */
    public abstract String value();

    /** The model folder: a name resolved (and imported the first time), a path as given. */
    public Path folder() throws IOException {
        return NamedModels.fromEnvironment().resolve(value());
    }

    /** The model folder, read: config, labels, and on demand tokenizer, decoding and tensors. */
    public TaggingModel read() throws IOException {
        return TaggingModel.read(folder());
    }

    /** {@code --model} with no default. */
    public static final class Required extends ModelOption {
        @Option(names = "--model", required = true, paramLabel = "NAME|DIR", description = HELP + ".")
        String value;

        @Override
        public String value() {
            return value;
        }
    }

    /** {@code --model} defaulting to {@value ModelOption#DEFAULT}. */
    public static final class WithDefault extends ModelOption {
        @Option(names = "--model", paramLabel = "NAME|DIR", defaultValue = DEFAULT,
                description = HELP + " (default: ${DEFAULT-VALUE}).")
        String value;

        @Override
        public String value() {
            return value;
        }
    }
}
