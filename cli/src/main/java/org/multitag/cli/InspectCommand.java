package org.multitag.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.weights.BertConfig;
import org.multitag.weights.NamedModels;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code multitag inspect}: what a model folder or safetensors file holds, after full validation. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model's config summary, then one line per tensor (name, dtype, shape, bytes) and the "
                + "parameter count.",
            "PATH is a model folder, a .safetensors file, a model.safetensors.index.json, or a model name."})
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PATH", description = "Model folder, safetensors file or model name.")
    String path;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path p = NamedModels.isName(path) ? NamedModels.fromEnvironment().resolve(path) : Path.of(path);
        Path configFile = Files.isDirectory(p) ? p.resolve(BertConfig.FILE) : p.resolveSibling(BertConfig.FILE);
        if (Files.isRegularFile(configFile)) {
            BertConfig c = BertConfig.read(configFile);
            out.printf(Locale.ROOT, "config: %d layers, hidden %d, %d heads, intermediate %d, vocab %d, "
                    + "max positions %d, token types %d, act %s, eps %s%n", c.numHiddenLayers(), c.hiddenSize(),
                    c.numAttentionHeads(), c.intermediateSize(), c.vocabSize(), c.maxPositionEmbeddings(),
                    c.typeVocabSize(), c.hiddenAct(), c.layerNormEps());
            if (c.numLabels() > 0) {
                out.printf(Locale.ROOT, "head: %d labels%s: %s%n", c.numLabels(),
                        c.problemType() == null ? "" : " (" + c.problemType() + ")", c.id2label().values());
            }
        }
        StateDict sd = SafetensorsReader.read(p);
        if (!sd.metadata().isEmpty()) {
            out.println("metadata: " + sd.metadata());
        }
        int width = sd.names().stream().mapToInt(String::length).max().orElse(4);
        for (Tensor t : sd.tensors()) {
            out.printf(Locale.ROOT, "%-" + width + "s  %-4s  %-14s  %,d bytes%n", t.name(), t.dtype(),
                    Tensor.shapeString(t.shape()), t.byteSize());
        }
        out.printf(Locale.ROOT, "%d tensors, %,d parameters, %,d bytes%n", sd.size(), sd.parameterCount(), sd.byteSize());
        return 0;
    }
}
