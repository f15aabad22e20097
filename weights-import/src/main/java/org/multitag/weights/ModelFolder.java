package org.multitag.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * A Hugging Face model folder: {@code config.json}, tokenizer files ({@code vocab.txt},
 * {@code tokenizer.json}, {@code tokenizer_config.json}) and {@code model.safetensors} (or shards). Writing
 * fills a temporary sibling folder and renames it into place, so an error leaves no partial folder.
 */
public final class ModelFolder {

    private ModelFolder() {}

    /** True when {@code dir} has a config.json and safetensors weights. */
    public static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(BertConfig.FILE))
                && (Files.isRegularFile(dir.resolve(SafetensorsReader.MODEL_FILE))
                        || Files.isRegularFile(dir.resolve(SafetensorsReader.INDEX_FILE)));
    }

    /**
     * Reads a folder and matches its tensors to its config (with a head when config.json has labels). Missing
     * and unexpected tensors become notes; a wrong shape is an error.
     */
    public static ImportedModel read(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(BertConfig.FILE))) {
            throw new InputException(dir.toString(), "not a model folder: no " + BertConfig.FILE);
        }
        BertConfig config = BertConfig.read(dir);
        StateDict sd = SafetensorsReader.read(dir);
        boolean head = config.numLabels() > 0;
        LoadReport report = HfBertNames.match(sd, config, head, dir.toString());
        List<String> notes = new ArrayList<>();
        String text = report.describe(dir.toString(), head ? "BertForTokenClassification" : "BertModel");
        if (!text.isEmpty()) {
            notes.add(text.strip());
        }
        Map<String, byte[]> tok = new LinkedHashMap<>();
        for (String f : List.of(TokenizerFiles.VOCAB, TokenizerFiles.TOKENIZER_JSON, TokenizerFiles.TOKENIZER_CONFIG)) {
            Path p = dir.resolve(f);
            if (Files.isRegularFile(p)) {
                tok.put(f, Files.readAllBytes(p));
            }
        }
        return new ImportedModel(config, report.weights(), tok, notes);
    }

    /**
     * Writes a model folder atomically, with float tensors stored as {@code dtype}. Encoder tensors are written
     * without a prefix, or with {@code bert.} when the weights include a {@code classifier} head. An existing
     * {@code dir} is replaced only if it is empty or itself a model folder.
     */
    public static void write(Path dir, ImportedModel model, DType dtype) throws IOException {
        if (!dtype.isFloatingPoint()) {
            throw new InputException("--dtype must be f32, f16 or bf16, not " + dtype);
        }
        if (Files.exists(dir) && !isEmptyDir(dir) && !Files.isRegularFile(dir.resolve(BertConfig.FILE))) {
            throw new InputException(dir.toString(), "exists and is not a model folder; refusing to replace it");
        }
        boolean head = model.weights().contains(HfBertNames.CLASSIFIER_WEIGHT);
        StateDict out = new StateDict();
        out.metadata().put("format", "pt");
        for (Tensor t : model.weights().tensors()) {
            Tensor renamed = t.renamed(HfBertNames.fileName(t.name(), head));
            out.put(renamed.dtype().isFloatingPoint() ? renamed.to(dtype) : renamed);
        }
        AtomicFiles.writeFolder(dir, tmp -> {
            model.config().write(tmp.resolve(BertConfig.FILE));
            for (Map.Entry<String, byte[]> f : model.tokenizerFiles().entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue());
            }
            SafetensorsWriter.write(tmp.resolve(SafetensorsReader.MODEL_FILE), out);
        });
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
