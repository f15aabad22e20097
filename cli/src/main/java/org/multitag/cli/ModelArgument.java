package org.multitag.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.NamedModels;

/** What every {@code --model NAME|DIR} option accepts: a model name (imported on first use) or a model folder. */
final class ModelArgument {

    /** The model a command uses when {@code --model} is not given. */
    static final String DEFAULT = "minilm-l6";

    private ModelArgument() {}

    /** The model folder of {@code nameOrPath}; a folder without config.json is an error naming it. */
    static Path resolve(String nameOrPath) throws IOException {
        Path folder = NamedModels.fromEnvironment().resolve(nameOrPath);
        if (!ModelFolder.isModelFolder(folder)) {
            throw new org.multitag.core.InputException(folder.toString(),
                    "not a model folder (needs config.json and model.safetensors; see 'multitag import')");
        }
        return folder;
    }
}
