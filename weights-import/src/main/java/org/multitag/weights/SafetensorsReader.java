package org.multitag.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;

/**
 * Reads safetensors files: one file, a sharded model through {@code model.safetensors.index.json}, or a
 * folder holding either. The file is untrusted, so the whole header is validated before any tensor is
 * handed out (see {@link SafetensorsHeader}); tensors are zero-copy views on a memory mapping.
 */
public final class SafetensorsReader {

    /** Largest header accepted, the same cap as the Hugging Face implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** File name of a single-file model in an HF folder. */
    public static final String MODEL_FILE = "model.safetensors";

    /** File name of a sharded model's index in an HF folder. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsReader() {}

    /** Reads a {@code .safetensors} file, an {@code .index.json}, or a folder containing one of them. */
    public static StateDict read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(MODEL_FILE);
            Path index = path.resolve(INDEX_FILE);
            if (Files.exists(single)) {
                return readFile(single);
            }
            if (Files.exists(index)) {
                return readSharded(index);
            }
            throw new InputException(path.toString(), "no " + MODEL_FILE + " or " + INDEX_FILE + " in this folder");
        }
        if (path.getFileName().toString().endsWith(".index.json")) {
            return readSharded(path);
        }
        return readFile(path);
    }

    /** Reads and validates one safetensors file. */
    public static StateDict readFile(Path file) throws IOException {
        String where = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new InputException(where, "truncated file: " + size
                        + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            // The length is an unsigned 64-bit number; a negative long is a length above 2^63.
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
                throw new InputException(where, "header length " + Long.toUnsignedString(headerLen)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLen > size - 8) {
                throw new InputException(where, "header length " + headerLen + " runs past the end of the file ("
                        + size + " bytes)");
            }
            if (headerLen < 2) {
                throw new InputException(where, "header length " + headerLen + " is too short for a JSON object");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String header = decodeUtf8(headerBuf.flip(), where);
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            SafetensorsHeader parsed = SafetensorsHeader.parse(header, dataLen, where);
            return map(ch, dataStart, dataLen, parsed);
        }
    }

    /** Reads every shard an index lists; each tensor must sit in exactly the shard the index names. */
    public static StateDict readSharded(Path indexFile) throws IOException {
        String where = indexFile.toString();
        JsonNode root;
        try {
            root = JSON.readTree(indexFile.toFile());
        } catch (JsonProcessingException e) {
            throw JsonErrors.file(where, e);
        }
        if (root == null || !root.isObject() || !root.path("weight_map").isObject()) {
            throw new InputException(where, "expected a JSON object with a \"weight_map\" object");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.get("weight_map").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText("");
            // The shard name comes from an untrusted file: allow only a plain sibling file name.
            if (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\")
                    || shard.equals("..") || shard.equals(".")) {
                throw new InputException(where, "tensor '" + e.getKey() + "': invalid shard file name "
                        + e.getValue());
            }
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
        }
        StateDict out = new StateDict();
        Path dir = indexFile.toAbsolutePath().getParent();
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            Path shardFile = dir.resolve(e.getKey());
            StateDict shard = readFile(shardFile);
            for (String name : e.getValue()) {
                if (!shard.contains(name)) {
                    throw new InputException(shardFile.toString(), "tensor '" + name + "' is listed in "
                            + indexFile.getFileName() + " but missing from this shard");
                }
            }
            for (Tensor t : shard.tensors()) {
                if (!e.getValue().contains(t.name())) {
                    throw new InputException(shardFile.toString(), "tensor '" + t.name()
                            + "' is not listed for this shard in " + indexFile.getFileName());
                }
                out.put(t);
            }
            out.metadata().putAll(shard.metadata());
        }
        JsonNode meta = root.path("metadata");
        if (meta.isObject()) {
            meta.fields().forEachRemaining(m -> out.metadata().put(m.getKey(), m.getValue().asText()));
        }
        return out;
    }

    private static StateDict map(FileChannel ch, long dataStart, long dataLen, SafetensorsHeader h)
            throws IOException {
        StateDict out = new StateDict();
        out.metadata().putAll(h.metadata());
        // One mapping for the whole data section when it fits a ByteBuffer; per tensor otherwise.
        ByteBuffer whole = dataLen <= Integer.MAX_VALUE
                ? ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen).order(ByteOrder.LITTLE_ENDIAN)
                : null;
        for (SafetensorsHeader.Entry e : h.entries()) {
            long len = e.end() - e.begin();
            ByteBuffer view;
            if (whole != null) {
                view = whole.slice((int) e.begin(), (int) len);
            } else {
                view = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
            }
            out.put(new Tensor(e.name(), e.dtype(), e.shape(), view));
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static String decodeUtf8(ByteBuffer bytes, String where) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(where, "header is not valid UTF-8");
        }
    }

    /** Jackson parser for the header; duplicate keys are detected by {@link SafetensorsHeader} itself. */
    static JsonParser parser(String json) throws IOException {
        return JSON.getFactory().createParser(json);
    }

    static ObjectNode readObject(JsonParser p) throws IOException {
        return JSON.readTree(p);
    }

    static JsonToken next(JsonParser p) throws IOException {
        return p.nextToken();
    }
}
