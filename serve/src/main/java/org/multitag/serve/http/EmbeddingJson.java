package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.multitag.serve.Embedding;

/**
 * {@code POST /v1/embed}'s answer for one text: its tokens and ids, and the encoder's last hidden state per token
 * ([CLS] and [SEP] included) as {@code [tokens][hidden]} numbers, each the float's shortest exact decimal.
 */
final class EmbeddingJson {

    private EmbeddingJson() {}

    static void write(JsonGenerator g, Embedding e) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("tokens");
        for (String t : e.encoding().tokens()) {
            g.writeString(t);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("input_ids");
        for (int id : e.encoding().ids()) {
            g.writeNumber(id);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("last_hidden_state");
        for (float[] row : e.lastHiddenState()) {
            g.writeStartArray();
            for (float v : row) {
                g.writeNumber(v);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
