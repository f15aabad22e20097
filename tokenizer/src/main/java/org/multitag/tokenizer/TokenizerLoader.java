package org.multitag.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;
import org.multitag.core.LineReader;
import org.multitag.tokenizer.decoder.WordPieceDecoder;
import org.multitag.tokenizer.model.WordPieceModel;
import org.multitag.tokenizer.normalizer.BertNormalizer;
import org.multitag.tokenizer.normalizer.Normalizer;
import org.multitag.tokenizer.pretokenizer.BertPreTokenizer;
import org.multitag.tokenizer.pretokenizer.PreTokenizer;
import org.multitag.tokenizer.processor.PostProcessor;
import org.multitag.tokenizer.processor.TemplatePiece;

/**
 * Builds a {@link Tokenizer} from Hugging Face files: {@code tokenizer.json} (every stage as configured), or a
 * {@code vocab.txt} set up as transformers' {@code BertTokenizerFast} does. Anything a BERT tokenizer does not
 * use is rejected with a message naming the file and the setting.
 */
public final class TokenizerLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] BERT_SPECIALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

    private TokenizerLoader() {}

    /** A tokenizer.json, a vocab.txt, or a folder holding either (tokenizer.json preferred). */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) {
                return fromJson(json);
            }
            Path vocab = path.resolve("vocab.txt");
            if (Files.isRegularFile(vocab)) {
                return fromVocabFolder(path);
            }
            throw new InputException(path.toString(), "no tokenizer.json or vocab.txt in this folder");
        }
        if (!Files.exists(path)) {
            throw new InputException(path.toString(), "no such file");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".txt")) {
            return fromVocabFolderOrFile(path);
        }
        return fromJson(path);
    }

    /** Reads a tokenizer.json file. */
    public static Tokenizer fromJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in, file.toString());
        }
    }

    /** Reads tokenizer.json content; {@code source} names it in error messages. */
    public static Tokenizer fromJson(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw JsonErrors.file(source, e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(source, "not a tokenizer.json (expected a JSON object)");
        }
        return new JsonConfig(root, source).build();
    }

    /**
     * A vocab.txt with BERT's defaults: clean text, CJK padding, {@code [CLS] A [SEP]} template.
     *
     * @param stripAccents {@code null}: follow {@code lowercase}
     */
    public static Tokenizer fromVocab(Path vocabFile, boolean lowercase, Boolean stripAccents) throws IOException {
        return fromVocab(vocabFile, lowercase, stripAccents, true);
    }

    private static Tokenizer fromVocabFolderOrFile(Path vocabFile) throws IOException {
        Path dir = vocabFile.toAbsolutePath().getParent();
        if (dir != null && Files.isRegularFile(dir.resolve("tokenizer_config.json"))
                && vocabFile.getFileName().toString().equals("vocab.txt")) {
            return fromVocabFolder(dir);
        }
        // Without a config, BERT's default is uncased (as transformers' BertTokenizerFast).
        return fromVocab(vocabFile, true, null, true);
    }

    private static Tokenizer fromVocabFolder(Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.txt");
        Path configFile = dir.resolve("tokenizer_config.json");
        boolean lowercase = true;
        Boolean strip = null;
        boolean chinese = true;
        if (Files.isRegularFile(configFile)) {
            JsonNode config;
            try {
                config = JSON.readTree(configFile.toFile());
            } catch (JsonProcessingException e) {
                throw JsonErrors.file(configFile.toString(), e);
            }
            lowercase = config.path("do_lower_case").asBoolean(true);
            JsonNode s = config.get("strip_accents");
            strip = s == null || s.isNull() ? null : s.asBoolean();
            chinese = config.path("tokenize_chinese_chars").asBoolean(true);
        }
        return fromVocab(vocab, lowercase, strip, chinese);
    }

    private static Tokenizer fromVocab(Path vocabFile, boolean lowercase, Boolean stripAccents, boolean chinese)
            throws IOException {
        Map<String, Integer> vocab = readVocab(vocabFile);
        for (String required : new String[] {"[UNK]", "[CLS]", "[SEP]"}) {
            if (!vocab.containsKey(required)) {
                throw new InputException(vocabFile.toString(), "vocabulary has no " + required + " token");
            }
        }
        List<AddedToken> added = new ArrayList<>();
        for (String s : BERT_SPECIALS) {
            Integer id = vocab.get(s);
            if (id != null) {
                added.add(AddedToken.special(s, id));
            }
        }
        added.sort((x, y) -> Integer.compare(x.id(), y.id()));
        Normalizer normalizer = new BertNormalizer(true, chinese, stripAccents, lowercase);
        WordPieceModel model = new WordPieceModel(vocab, "[UNK]", "##", 100);
        PostProcessor post = PostProcessor.bert("[CLS]", vocab.get("[CLS]"), "[SEP]", vocab.get("[SEP]"));
        return new Tokenizer(added, normalizer, new BertPreTokenizer(), model, post,
                new WordPieceDecoder("##", true), null, null);
    }

    /**
     * One token per line, id = line number; trailing whitespace is trimmed and a byte order mark kept, as HF's
     * {@code WordPiece::read_file} ({@code BufRead::lines}, {@code trim_end}) does. A line that is not UTF-8 is
     * an error naming it.
     */
    static Map<String, Integer> readVocab(Path file) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        try (LineReader r = new LineReader(Files.newInputStream(file), file.toString(), false)) {
            int index = 0;
            for (String line; (line = r.next()) != null; ) {
                vocab.put(line.stripTrailing(), index++);
            }
        }
        if (vocab.isEmpty()) {
            throw new InputException(file.toString(), "empty vocabulary");
        }
        return vocab;
    }

    /** The parts of a tokenizer.json, each read with errors that name the setting. */
    private static final class JsonConfig {
        private final JsonNode root;
        private final String source;

        JsonConfig(JsonNode root, String source) {
            this.root = root;
            this.source = source;
        }

        Tokenizer build() {
            Normalizer normalizer = normalizer(root.get("normalizer"));
            WordPieceModel model = model(root.get("model"));
            List<AddedToken> added = addedTokens(root.get("added_tokens"));
            return new Tokenizer(added, normalizer, preTokenizer(root.get("pre_tokenizer")), model,
                    postProcessor(root.get("post_processor")), decoder(root.get("decoder")),
                    truncation(root.get("truncation")), padding(root.get("padding")));
        }

        private InputException bad(String message) {
            return new InputException(source, message);
        }

        private static boolean absent(JsonNode n) {
            return n == null || n.isNull();
        }

        private String type(JsonNode n, String what) {
            JsonNode t = n.get("type");
            if (t == null || !t.isTextual()) {
                throw bad(what + " has no \"type\"");
            }
            return t.asText();
        }

        private Normalizer normalizer(JsonNode n) {
            if (absent(n)) {
                return null;
            }
            String type = type(n, "normalizer");
            if (type.equals("Sequence") && n.path("normalizers").size() == 1) {
                return normalizer(n.path("normalizers").get(0));
            }
            if (!type.equals("BertNormalizer")) {
                throw bad("unsupported normalizer \"" + type + "\" (multitag reads BERT-family tokenizers: "
                        + "BertNormalizer)");
            }
            JsonNode strip = n.get("strip_accents");
            return new BertNormalizer(n.path("clean_text").asBoolean(true),
                    n.path("handle_chinese_chars").asBoolean(true),
                    absent(strip) ? null : strip.asBoolean(), n.path("lowercase").asBoolean(true));
        }

        private PreTokenizer preTokenizer(JsonNode n) {
            if (absent(n)) {
                // No pre-tokenizer: each piece between added tokens is one word.
                return (text, from, to, words) -> {
                    if (to > from) {
                        words.word(from, to);
                    }
                };
            }
            String type = type(n, "pre_tokenizer");
            if (type.equals("Sequence") && n.path("pretokenizers").size() == 1) {
                return preTokenizer(n.path("pretokenizers").get(0));
            }
            if (!type.equals("BertPreTokenizer")) {
                throw bad("unsupported pre_tokenizer \"" + type + "\" (multitag reads BERT-family tokenizers: "
                        + "BertPreTokenizer)");
            }
            return new BertPreTokenizer();
        }

        private WordPieceModel model(JsonNode n) {
            if (absent(n) || !n.isObject()) {
                throw bad("no \"model\"");
            }
            JsonNode t = n.get("type");
            boolean wordPiece = t == null ? n.has("continuing_subword_prefix") && n.has("max_input_chars_per_word")
                    : t.asText().equals("WordPiece");
            if (!wordPiece) {
                throw bad("unsupported model \"" + (t == null ? "?" : t.asText())
                        + "\" (multitag reads BERT-family tokenizers: WordPiece)");
            }
            JsonNode v = n.get("vocab");
            if (v == null || !v.isObject() || v.isEmpty()) {
                throw bad("model.vocab must be a non-empty object of token -> id");
            }
            Map<String, Integer> vocab = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                    throw bad("model.vocab: id of \"" + e.getKey() + "\" is not a non-negative integer");
                }
                vocab.put(e.getKey(), e.getValue().asInt());
            }
            String unk = n.path("unk_token").asText("[UNK]");
            if (!vocab.containsKey(unk)) {
                throw bad("model.unk_token \"" + unk + "\" is not in the vocabulary");
            }
            return new WordPieceModel(vocab, unk, n.path("continuing_subword_prefix").asText("##"),
                    n.path("max_input_chars_per_word").asInt(100));
        }

        private List<AddedToken> addedTokens(JsonNode n) {
            List<AddedToken> list = new ArrayList<>();
            if (absent(n)) {
                return list;
            }
            if (!n.isArray()) {
                throw bad("added_tokens must be an array");
            }
            for (JsonNode t : n) {
                String content = t.path("content").asText("");
                if (content.isEmpty() || !t.path("id").canConvertToInt()) {
                    throw bad("added_tokens: every entry needs a non-empty \"content\" and an integer \"id\"");
                }
                list.add(new AddedToken(content, t.get("id").asInt(), t.path("special").asBoolean(false),
                        t.path("single_word").asBoolean(false), t.path("lstrip").asBoolean(false),
                        t.path("rstrip").asBoolean(false), t.path("normalized").asBoolean(!t.path("special")
                                .asBoolean(false))));
            }
            return list;
        }

        private PostProcessor postProcessor(JsonNode n) {
            if (absent(n)) {
                return null;
            }
            String type = type(n, "post_processor");
            switch (type) {
                case "BertProcessing" -> {
                    JsonNode sep = n.get("sep");
                    JsonNode cls = n.get("cls");
                    if (sep == null || cls == null || sep.size() != 2 || cls.size() != 2) {
                        throw bad("post_processor BertProcessing needs \"sep\" and \"cls\" as [token, id]");
                    }
                    return PostProcessor.bert(cls.get(0).asText(), cls.get(1).asInt(), sep.get(0).asText(),
                            sep.get(1).asInt());
                }
                case "TemplateProcessing" -> {
                    Map<String, TemplatePiece.Special> specials = new LinkedHashMap<>();
                    JsonNode st = n.path("special_tokens");
                    for (Iterator<Map.Entry<String, JsonNode>> it = st.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        List<Integer> ids = new ArrayList<>();
                        e.getValue().path("ids").forEach(x -> ids.add(x.asInt()));
                        List<String> tokens = new ArrayList<>();
                        e.getValue().path("tokens").forEach(x -> tokens.add(x.asText()));
                        if (ids.size() != tokens.size()) {
                            throw bad("post_processor special token \"" + e.getKey() + "\": ids and tokens differ");
                        }
                        specials.put(e.getKey(), new TemplatePiece.Special(e.getKey(), ids, tokens, 0));
                    }
                    return new PostProcessor(template(n.get("single"), specials, "single"),
                            template(n.get("pair"), specials, "pair"));
                }
                default -> throw bad("unsupported post_processor \"" + type
                        + "\" (supported: TemplateProcessing, BertProcessing)");
            }
        }

        private List<TemplatePiece> template(JsonNode n, Map<String, TemplatePiece.Special> specials, String which) {
            if (absent(n) || !n.isArray()) {
                throw bad("post_processor." + which + " must be an array");
            }
            List<TemplatePiece> pieces = new ArrayList<>();
            for (JsonNode p : n) {
                if (p.has("SpecialToken")) {
                    JsonNode s = p.get("SpecialToken");
                    TemplatePiece.Special sp = specials.get(s.path("id").asText());
                    if (sp == null) {
                        throw bad("post_processor." + which + ": special token \"" + s.path("id").asText()
                                + "\" is not in special_tokens");
                    }
                    pieces.add(new TemplatePiece.Special(sp.name(), sp.ids(), sp.tokens(), s.path("type_id").asInt()));
                } else if (p.has("Sequence")) {
                    JsonNode s = p.get("Sequence");
                    String id = s.path("id").asText();
                    if (!id.equals("A") && !id.equals("B")) {
                        throw bad("post_processor." + which + ": sequence id must be A or B, got \"" + id + "\"");
                    }
                    pieces.add(new TemplatePiece.Sequence(id.equals("A") ? 0 : 1, s.path("type_id").asInt()));
                } else {
                    throw bad("post_processor." + which + ": unknown template piece " + p);
                }
            }
            return pieces;
        }

        private WordPieceDecoder decoder(JsonNode n) {
            if (absent(n)) {
                return null;
            }
            String type = type(n, "decoder");
            if (!type.equals("WordPiece")) {
                throw bad("unsupported decoder \"" + type + "\" (supported: WordPiece)");
            }
            return new WordPieceDecoder(n.path("prefix").asText("##"), n.path("cleanup").asBoolean(true));
        }

        private TruncationParams truncation(JsonNode n) {
            if (absent(n)) {
                return null;
            }
            TruncationParams.Strategy strategy = switch (n.path("strategy").asText("LongestFirst")) {
                case "LongestFirst" -> TruncationParams.Strategy.LONGEST_FIRST;
                case "OnlyFirst" -> TruncationParams.Strategy.ONLY_FIRST;
                case "OnlySecond" -> TruncationParams.Strategy.ONLY_SECOND;
                default -> throw bad("truncation.strategy \"" + n.path("strategy").asText() + "\" is unknown");
            };
            TruncationParams.Direction direction = n.path("direction").asText("Right").equals("Left")
                    ? TruncationParams.Direction.LEFT : TruncationParams.Direction.RIGHT;
            return new TruncationParams(n.path("max_length").asInt(512), n.path("stride").asInt(0), strategy,
                    direction);
        }

        private PaddingParams padding(JsonNode n) {
            if (absent(n)) {
                return null;
            }
            JsonNode s = n.get("strategy");
            int length = PaddingParams.BATCH_LONGEST;
            if (s != null && s.isObject() && s.has("Fixed")) {
                length = s.get("Fixed").asInt();
            } else if (s != null && !(s.isTextual() && s.asText().equals("BatchLongest"))) {
                throw bad("padding.strategy " + s + " is unknown");
            }
            PaddingParams.Direction direction = n.path("direction").asText("Right").equals("Left")
                    ? PaddingParams.Direction.LEFT : PaddingParams.Direction.RIGHT;
            JsonNode multiple = n.get("pad_to_multiple_of");
            return new PaddingParams(length, direction, absent(multiple) ? 0 : multiple.asInt(),
                    n.path("pad_id").asInt(0), n.path("pad_type_id").asInt(0), n.path("pad_token").asText("[PAD]"));
        }
    }
}
