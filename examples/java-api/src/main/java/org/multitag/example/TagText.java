package org.multitag.example;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.model.MultiLabelTagger;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * Tags text with a multitag model folder and prints each word with its labels.
 *
 * <pre>
 * TagText MODEL_DIR [TEXT...]
 * </pre>
 *
 * Each TEXT argument is one text; with none, each line of standard input is one. The output has one line per word,
 * {@code word<TAB>label label ...}, and an empty line after each text.
 */
public final class TagText {

    private TagText() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: TagText MODEL_DIR [TEXT...]   (no TEXT: one text per line of standard input)");
            System.exit(2);
        }
        List<String> texts = args.length > 1
                ? Arrays.asList(args).subList(1, args.length)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
        try {
            tag(Path.of(args[0]), texts, System.out);
        } catch (InputException e) {
            // A folder that is not a model with a token head, a broken config.json...: the message names the file.
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (NoSuchFileException e) {
            System.err.println("error: " + e.getFile() + ": no such file");
            System.exit(2);
        }
    }

    /** Loads the model folder, tags {@code texts} in one batched call and prints the words and their labels. */
    public static void tag(Path modelFolder, List<String> texts, PrintStream out) throws IOException {
        // The tagger holds the encoder's weights in native memory: close it (try-with-resources) when done.
        try (MultiLabelTagger tagger = MultiLabelTagger.load(modelFolder, MultiLabelTagger.Options.DEFAULT)) {
            for (List<WordPrediction> words : tagger.tagTexts(texts)) {
                for (WordPrediction w : words) {
                    out.println(w.text() + "\t" + String.join(" ", w.labels()));
                }
                out.println();
            }
        }
    }
}
