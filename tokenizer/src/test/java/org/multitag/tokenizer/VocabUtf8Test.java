package org.multitag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;

/** A vocab.txt line that is not UTF-8 is named by its own line number; lines are read as HF reads them. */
class VocabUtf8Test {

    @TempDir
    Path tmp;

    static final List<String> GOOD = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "fox");

    Path vocab(String name, int bad, boolean finalNewline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < GOOD.size(); i++) {
            out.writeBytes((i + 1 == bad ? "caf\u00e9" : GOOD.get(i)).getBytes(
                    i + 1 == bad ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
            if (i + 1 < GOOD.size() || finalNewline) {
                out.write('\n');
            }
        }
        return Files.write(tmp.resolve(name), out.toByteArray());
    }

    @Test
    void theBadLineIsNamed() throws IOException {
        int[] lines = {1, 2, GOOD.size()};
        for (int bad : lines) {
            for (boolean newline : new boolean[] {true, false}) {
                Path file = vocab("vocab-" + bad + newline + ".txt", bad, newline);
                InputException e = assertThrows(InputException.class,
                        () -> TokenizerLoader.fromVocab(file, true, null));
                assertEquals(file + ":" + bad + ": not valid UTF-8", e.getMessage());
            }
        }
    }

    /** {@code BufRead::lines} + {@code trim_end}: CRLF and trailing blanks go, a lone CR inside a line stays. */
    @Test
    void linesAsHuggingFaceReadsThem() throws IOException {
        Path file = Files.write(tmp.resolve("vocab.txt"),
                "[PAD]\r\n[UNK]  \na\rb\n[CLS]\n[SEP]".getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> vocab = TokenizerLoader.readVocab(file);
        assertEquals(List.of("[PAD]", "[UNK]", "a\rb", "[CLS]", "[SEP]"), List.copyOf(vocab.keySet()));
        assertEquals(4, vocab.get("[SEP]"));
    }
}
