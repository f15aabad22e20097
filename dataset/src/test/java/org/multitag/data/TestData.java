package org.multitag.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;

/**
 * Shared fixtures: the test resources under {@code /data}, a tiny uncased WordPiece tokenizer, and the committed
 * UD English EWT slice.
 */
public final class TestData {

    private static Tokenizer tokenizer;

    private TestData() {}

    /**
     * A file of {@code src/test/resources/data}. Other modules' tests read it from this module's test jar; out of a
     * jar it is copied to a temporary file first, so callers always get a path.
     */
    public static Path resource(String name) {
        URL url = TestData.class.getResource("/data/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource /data/" + name);
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            Path dir = Files.createTempDirectory("multitag-test-data-");
            dir.toFile().deleteOnExit(); // runs after the file's (deletions run in reverse order)
            Path copy = dir.resolve(name);
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy);
            }
            copy.toFile().deleteOnExit();
            return copy;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An uncased tokenizer over {@code vocab.txt}: ids [PAD]0 [UNK]1 [CLS]2 [SEP]3 [MASK]4 the5 fox6 ##es7 un8
     * ##aff9 ##able10 new11 york12 -13 based14 .15 ,16 cat17 do18 n19 '20 t21 feed22 saw23 a24 dog25 mat26 and27
     * jumps28.
     */
    public static synchronized Tokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = TokenizerLoader.fromVocab(resource("vocab.txt"), true, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    /** Writes {@code content} (UTF-8) to {@code dir/name}. */
    public static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /**
     * The first {@code sentences} sentences of the committed UD English EWT slice of {@code split} ({@code "train"}:
     * up to 600, {@code "dev"}: up to 200; see {@code src/test/resources/data/ud-english-ewt/README.md}), written
     * byte for byte as CoNLL-U to {@code out}. The tests read this, never the full treebank, so that they need
     * nothing beside the clone.
     */
    public static Path ewt(String split, int sentences, Path out) throws IOException {
        String name = "/data/ud-english-ewt/en_ewt-ud-" + split + ".slice.conllu.gz";
        InputStream raw = TestData.class.getResourceAsStream(name);
        if (raw == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        int written = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                StandardCharsets.UTF_8)); BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null && written < sentences; line = in.readLine()) {
                w.write(line);
                w.write('\n');
                if (line.isEmpty()) {
                    written++;
                }
            }
        }
        if (written < sentences) {
            throw new IllegalArgumentException(name + " has " + written + " sentences, not " + sentences
                    + " (tools/data/make-ewt-slice.sh makes a longer one)");
        }
        return out;
    }
}
