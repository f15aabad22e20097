package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Loads the committed corpora and tokenizer files from the classpath. */
final class Corpora {

    private Corpora() {}

    /** Benchmark corpus name ({@code sotu}, {@code moby-dick}, {@code udhr}) to its "text" fields, in file order. */
    static List<String> sentences(String corpus) {
        String resource = "corpora/" + corpus + "-sentences.jsonl.gz";
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (InputStream in = open(resource);
                BufferedReader r = new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode text = json.readTree(line).get("text");
                if (text == null || !text.isTextual()) {
                    throw new IllegalStateException(resource + ": line without a \"text\" string: " + line);
                }
                out.add(text.asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(resource + " is empty");
        }
        return out;
    }

    /** Tokenizer config name to the classpath resource holding its tokenizer.json. */
    static String tokenizerResource(String config) {
        return switch (config) {
            case "all-MiniLM-L6-v2" -> "all-minilm-l6-v2-tokenizer.json";
            case "bert-base-cased" -> "org/tribuo/interop/onnx/extractors/bert-base-cased-tokenizer.json";
            default -> throw new IllegalArgumentException("unknown tokenizer config " + config);
        };
    }

    /** Copies the config's tokenizer.json to a temporary file (both libraries load from a path). */
    static Path tokenizerFile(String config) {
        String resource = tokenizerResource(config);
        try (InputStream in = open(resource)) {
            Path dir = Files.createTempDirectory("multitag-bench");
            Path file = dir.resolve("tokenizer.json");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = Corpora.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource not on the classpath: " + resource);
        }
        return in;
    }
}
