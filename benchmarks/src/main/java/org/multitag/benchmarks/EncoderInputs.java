package org.multitag.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.multitag.model.nn.Batch;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;

/**
 * Real-text inputs for the encoder benchmark: the State of the Union corpus tokenized with the
 * all-MiniLM-L6-v2 tokenizer (the bert-base-uncased vocabulary, so the same ids serve bert-base-uncased) and
 * packed into rows of exactly {@code seq} tokens: {@code [CLS]}, {@code seq − 2} word pieces taken in corpus
 * order across sentence boundaries, {@code [SEP]}. Token types are all 0 and no row is padded.
 */
final class EncoderInputs {

    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private EncoderInputs() {}

    /** {@code rows} packed rows of {@code seq} ids, always the same for the same arguments. */
    static List<int[]> packed(int rows, int seq) {
        Tokenizer tokenizer;
        try (InputStream in = EncoderInputs.class.getClassLoader().getResourceAsStream(TOKENIZER)) {
            if (in == null) {
                throw new IOException("resource not on the classpath: " + TOKENIZER);
            }
            tokenizer = TokenizerLoader.fromJson(in, TOKENIZER).withTruncation(null).withPadding(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int cls = tokenizer.tokenToId("[CLS]");
        int sep = tokenizer.tokenToId("[SEP]");
        int body = seq - 2;
        int[] stream = new int[rows * body];
        int n = 0;
        for (String sentence : Corpora.sentences("sotu")) {
            for (int id : tokenizer.encode(sentence, null, false).ids()) {
                if (n == stream.length) {
                    break;
                }
                stream[n++] = id;
            }
            if (n == stream.length) {
                break;
            }
        }
        if (n < stream.length) {
            throw new IllegalStateException("corpus too short: " + n + " tokens for " + rows + " rows of " + seq);
        }
        List<int[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] row = new int[seq];
            row[0] = cls;
            System.arraycopy(stream, r * body, row, 1, body);
            row[seq - 1] = sep;
            out.add(row);
        }
        return out;
    }

    /** The first {@code rows} packed rows as a batch (token types 0, no padding). */
    static Batch batch(int rows, int seq) {
        return Batch.of(packed(rows, seq), null);
    }
}
