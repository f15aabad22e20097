package org.multitag.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.multitag.tokenizer.Encoding;

/**
 * Writes an {@link Encoding} as one JSON object with HF's field names; word and sequence ids are {@code null} where
 * HF's {@code Encoding.word_ids} / {@code sequence_ids} have {@code None} (special and padding tokens). What {@code
 * multitag tokenize} writes a line and {@code multitag serve} answers on {@code /v1/tokenize}.
 */
public final class EncodingJson {

    private EncodingJson() {}

    /** Writes {@code e} as one JSON object. */
    public static void write(JsonGenerator g, Encoding e) throws IOException {
        g.writeStartObject();
        ints(g, "input_ids", e.ids());
        ints(g, "token_type_ids", e.typeIds());
        ints(g, "attention_mask", e.attentionMask());
        g.writeArrayFieldStart("tokens");
        for (String t : e.tokens()) {
            g.writeString(t);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("offsets");
        for (int i = 0; i < e.length(); i++) {
            g.writeStartArray();
            g.writeNumber(e.offsetStart(i));
            g.writeNumber(e.offsetEnd(i));
            g.writeEndArray();
        }
        g.writeEndArray();
        intsOrNull(g, "word_ids", e.wordIds());
        intsOrNull(g, "sequence_ids", e.sequenceIds());
        ints(g, "special_tokens_mask", e.specialTokensMask());
        if (!e.overflowing().isEmpty()) {
            g.writeArrayFieldStart("overflowing");
            for (Encoding o : e.overflowing()) {
                write(g, o);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** An int array with {@link Encoding#NONE} written as {@code null} (HF's {@code None}). */
    private static void intsOrNull(JsonGenerator g, String name, int[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int v : values) {
            if (v == Encoding.NONE) {
                g.writeNull();
            } else {
                g.writeNumber(v);
            }
        }
        g.writeEndArray();
    }

    private static void ints(JsonGenerator g, String name, int[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}
