package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.serve.TaggingService;
import org.multitag.weights.BertConfig;

/** {@code GET /v1/model}: the labels, label groups, decodings, length limit and encoder shape of the served model. */
final class ModelJson {

    private final TaggingModel model;
    private final Decoding decoding;
    private final int maxLength;

    ModelJson(TaggingService service) {
        this.model = service.model();
        this.maxLength = service.maxLength();
        try {
            this.decoding = model.decoding();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(JsonGenerator g) throws IOException {
        List<String> labels = model.labels().names();
        g.writeStartObject();
        g.writeStringField("model", String.valueOf(model.folder().getFileName()));
        g.writeArrayFieldStart("labels");
        for (String label : labels) {
            g.writeString(label);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("label_groups");
        for (LabelGroups.Group group : decoding.groups().groups()) {
            g.writeStartObject();
            g.writeStringField("name", group.name());
            g.writeStringField("rule", group.rule().id());
            g.writeArrayFieldStart("labels");
            for (int i : group.labels()) {
                g.writeString(labels.get(i));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("decoding");
        g.writeStringField("default", decoding.defaultMode().id());
        g.writeArrayFieldStart("modes");
        for (DecodingMode mode : decoding.modes()) {
            g.writeString(mode.id());
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeNumberField("max_length", maxLength);
        BertConfig c = model.config();
        g.writeObjectFieldStart("config");
        g.writeNumberField("vocab_size", c.vocabSize());
        g.writeNumberField("hidden_size", c.hiddenSize());
        g.writeNumberField("num_hidden_layers", c.numHiddenLayers());
        g.writeNumberField("num_attention_heads", c.numAttentionHeads());
        g.writeNumberField("intermediate_size", c.intermediateSize());
        g.writeNumberField("max_position_embeddings", c.maxPositionEmbeddings());
        g.writeEndObject();
        g.writeEndObject();
    }
}
