package org.multitag.train.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.multitag.core.LineReader;

/**
 * The training run's metrics as JSON Lines, one object per event ({@code {"event": "step", "step": 10,
 * "loss": 0.31, ...}}), appended and flushed as they happen so a crashed run keeps its history. On resume the
 * log is cut back to the checkpoint's step first, so the file reads like an uninterrupted run.
 */
final class MetricsLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** A new event object to fill and {@link #append}. */
    public ObjectNode event(String kind, long step) {
        ObjectNode o = JSON.createObjectNode();
        o.put("event", kind);
        o.put("step", step);
        return o;
    }

    public void append(ObjectNode event) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(event) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event, in order (empty when the file does not exist). */
    public List<ObjectNode> read() throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (LineReader r = new LineReader(Files.newInputStream(file), file.toString())) {
            for (String line; (line = r.next()) != null; ) {
                if (!line.isBlank()) {
                    out.add((ObjectNode) JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /**
     * Drops events after {@code step}, and the end-of-run {@code "tuned"} events (a resumed run writes its own),
     * rewriting the file atomically.
     */
    public void truncateAfter(long step) throws IOException {
        List<ObjectNode> keep = new ArrayList<>();
        for (ObjectNode o : read()) {
            if (o.path("step").asLong() <= step && !o.path("event").asText().equals("tuned")) {
                keep.add(o);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (ObjectNode o : keep) {
            sb.append(JSON.writeValueAsString(o)).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        org.multitag.core.AtomicFiles.write(file, out -> out.write(bytes));
    }
}
