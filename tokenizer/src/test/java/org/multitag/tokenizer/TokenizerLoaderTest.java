package org.multitag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;

class TokenizerLoaderTest {

    @TempDir
    Path dir;

    @Test
    void folderPrefersTokenizerJsonThenVocabWithItsConfig() throws IOException {
        Files.copy(Fixtures.bertBaseCasedVocab(), dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        assertEquals(List.of("[CLS]", "Hello", "[SEP]"), List.of(Tokenizer.load(dir).encode("Hello").tokens()));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
        assertEquals(List.of("[CLS]", "hello", "[SEP]"), List.of(Tokenizer.load(dir).encode("Hello").tokens()));
        Files.copy(Fixtures.miniLmJson(), dir.resolve("tokenizer.json"));
        assertEquals(7592, Tokenizer.load(dir).encode("Hello").id(1)); // the uncased vocabulary's id
    }

    @Test
    void badFilesAreRejectedWithTheirName() throws IOException {
        Path broken = dir.resolve("tokenizer.json");
        Files.writeString(broken, "{\"model\": ");
        InputException e = assertThrows(InputException.class, () -> Tokenizer.load(broken));
        assertEquals(broken + ":1:11: not valid JSON: unexpected end of input (a truncated file?)", e.getMessage());

        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        e = assertThrows(InputException.class, () -> Tokenizer.load(broken));
        assertTrue(e.getMessage().contains("unsupported model \"BPE\""), e.getMessage());

        Files.writeString(broken, "{\"normalizer\": {\"type\": \"NFKC\"}, \"model\": {\"type\": \"WordPiece\", "
                + "\"vocab\": {\"[UNK]\": 0}}}");
        e = assertThrows(InputException.class, () -> Tokenizer.load(broken));
        assertTrue(e.getMessage().contains("unsupported normalizer \"NFKC\""), e.getMessage());

        Path missing = dir.resolve("nope.json");
        e = assertThrows(InputException.class, () -> Tokenizer.load(missing));
        assertEquals(missing + ": no such file", e.getMessage());

        Path emptyDir = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(InputException.class, () -> Tokenizer.load(emptyDir));
        assertTrue(e.getMessage().contains("no tokenizer.json or vocab.txt"), e.getMessage());
    }

    @Test
    void longWordsAreUnknownBeyondTheLimitAndSplitInLinearTimeWithin() throws IOException {
        Tokenizer t = Tokenizer.load(Fixtures.miniLmJson()).withTruncation(null).withPadding(null);
        assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), List.of(t.encode("a".repeat(101)).tokens()));
        // With no length limit a 10,000-character word is split into pieces; each piece costs at most the
        // longest vocabulary entry, so this completes (quadratic matching would take ~10^8 steps per piece).
        Path json = dir.resolve("unlimited.json");
        Files.writeString(json, Files.readString(Fixtures.miniLmJson())
                .replace("\"max_input_chars_per_word\": 100", "\"max_input_chars_per_word\": 1000000")
                .replace("\"max_input_chars_per_word\":100", "\"max_input_chars_per_word\":1000000"));
        Tokenizer unlimited = Tokenizer.load(json).withTruncation(null).withPadding(null);
        Encoding e = unlimited.encode("ab".repeat(5000));
        assertTrue(e.length() > 100, "pieces: " + e.length());
        assertEquals(10_000, e.offsetEnd(e.length() - 2));
    }
}
