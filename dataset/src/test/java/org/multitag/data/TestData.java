package org.multitag.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;

/** Shared fixtures: the test resources under {@code /data} and a tiny uncased WordPiece tokenizer. */
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
}
