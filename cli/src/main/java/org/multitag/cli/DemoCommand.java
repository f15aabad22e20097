package org.multitag.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.TokenLabels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code multitag demo}: runs on bundled data with no arguments. For now it tokenizes bundled sentences with the
 * bundled bert-base-uncased tokenizer and shows how word labels land on sub-word tokens; the training demo
 * replaces it when the model and training stages exist.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Tokenize bundled sample sentences and show tokens, offsets, word ids and label alignment.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Tokenizer tokenizer;
        try (InputStream in = new GZIPInputStream(resource("demo/tokenizer.json.gz"))) {
            tokenizer = TokenizerLoader.fromJson(in, "bundled bert-base-uncased tokenizer.json")
                    .withTruncation(null).withPadding(null);
        }
        String sample;
        try (InputStream in = resource("demo/sample.jsonl")) {
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        out.println("multitag demo: WordPiece tokenization identical to Hugging Face tokenizers");
        out.println("tokenizer: bert-base-uncased vocabulary (all-MiniLM-L6-v2's tokenizer.json, bundled)");
        for (String line : sample.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            String text = json.path("text").asText();
            String pair = json.hasNonNull("text_pair") ? json.get("text_pair").asText() : null;
            Encoding e = tokenizer.encode(text, pair, true);
            out.println();
            out.println("text: " + text + (pair == null ? "" : "\npair: " + pair));
            out.printf("  %-4s %-14s %6s  %-9s %-5s %-4s %s%n", "#", "token", "id", "offsets", "word", "type", "source");
            for (int i = 0; i < e.length(); i++) {
                String src = e.specialTokensMask()[i] == 1 ? "" : (e.sequenceIds()[i] == 1 ? pair : text)
                        .substring(e.offsetStart(i), e.offsetEnd(i));
                out.printf("  %-4d %-14s %6d  [%3d,%3d) %-5s %-4d %s%n", i, e.token(i), e.id(i), e.offsetStart(i),
                        e.offsetEnd(i), e.wordId(i) == Encoding.NONE ? "-" : String.valueOf(e.wordId(i)),
                        e.typeIds()[i], src);
            }
        }
        showLabels(out, tokenizer);
        return 0;
    }

    /** Word label sets on a pre-split sentence become a token label matrix (first sub-token carries them). */
    private static void showLabels(PrintWriter out, Tokenizer tokenizer) {
        List<String> words = List.of("Unaffable", "foxes", "jumped");
        List<List<String>> wordLabels = List.of(List.of("ADJ", "Degree=Pos"), List.of("NOUN", "Number=Plur"),
                List.of("VERB", "Tense=Past", "VerbForm=Fin"));
        LabelSet labels = LabelSet.sorted(wordLabels.stream().flatMap(List::stream).toList());
        Encoding e = tokenizer.encodeWords(words, true);
        TokenLabels targets = LabelAlignment.fromWordLabels(e, wordLabels, labels, LabelAlignment.Subtokens.FIRST);
        out.println();
        out.println("label alignment: words " + words + " with label sets " + wordLabels);
        out.printf("  %-12s %-4s %-5s %s%n", "token", "word", "mask", "labels");
        for (int i = 0; i < e.length(); i++) {
            StringBuilder names = new StringBuilder();
            for (int l : targets.labelsOf(i)) {
                names.append(names.isEmpty() ? "" : ", ").append(labels.name(l));
            }
            out.printf("  %-12s %-4s %-5d %s%n", e.token(i), e.wordId(i) == Encoding.NONE ? "-" : e.wordId(i),
                    targets.mask()[i], names);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DemoCommand.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("bundled resource missing: " + name);
        }
        return in;
    }
}
