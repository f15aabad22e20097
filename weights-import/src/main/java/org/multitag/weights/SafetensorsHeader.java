package org.multitag.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;

/**
 * The validated JSON header of a safetensors file: tensor entries in header order plus
 * {@code __metadata__}. Parsing checks, in this order, so the message names the most specific fault:
 * well-formed JSON, no duplicate names, each entry's dtype/shape/offsets and that its byte length equals
 * product(shape) × dtype size, then the layout of all tensors in the data section (truncated file,
 * out-of-bounds offsets, overlaps, gaps, trailing bytes).
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

    static SafetensorsHeader parse(String json, long dataLen, String where) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = SafetensorsReader.parser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputException(where, "malformed JSON header: expected a JSON object");
            }
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    throw new InputException(where, "duplicate tensor name '" + name + "' in header");
                }
                p.nextToken();
                JsonNode value = SafetensorsReader.readObject(p);
                if (name.equals("__metadata__")) {
                    readMetadata(value, metadata, where);
                } else {
                    entries.add(readEntry(name, value, where));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InputException(where, "malformed JSON header: unexpected content after the object");
            }
        } catch (JsonProcessingException e) {
            // the header is one line of a binary file: its character offset says more than a line and column
            throw new InputException(where, "malformed JSON header: " + JsonErrors.describe(e, "header")
                    + " at character " + e.getLocation().getCharOffset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkLayout(entries, dataLen, where);
        return new SafetensorsHeader(entries, metadata);
    }

    private static void readMetadata(JsonNode value, Map<String, String> out, String where) {
        if (!value.isObject()) {
            throw new InputException(where, "__metadata__ must be a JSON object of strings");
        }
        value.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new InputException(where, "__metadata__ key '" + e.getKey() + "' must be a string, found "
                        + e.getValue().getNodeType().toString().toLowerCase());
            }
            out.put(e.getKey(), e.getValue().asText());
        });
    }

    private static Entry readEntry(String name, JsonNode v, String where) {
        String t = "tensor '" + name + "': ";
        if (!v.isObject()) {
            throw new InputException(where, t + "header entry must be an object with dtype, shape and data_offsets");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new InputException(where, t + "missing or non-string \"dtype\"");
        }
        DType dtype = DType.fromHeader(dt.asText());
        if (dtype == null) {
            throw new InputException(where, t + "unsupported dtype \"" + dt.asText() + "\" (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new InputException(where, t + "missing or non-array \"shape\"");
        }
        int[] shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new InputException(where, t + "shape " + sh + ": dimension " + i
                        + " is not an integer between 0 and " + Integer.MAX_VALUE);
            }
            shape[i] = d.intValue();
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !isOffset(off.get(0)) || !isOffset(off.get(1))) {
            throw new InputException(where, t + "\"data_offsets\" must be two non-negative integers, found " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (end < begin) {
            throw new InputException(where, t + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long need;
        try {
            need = Math.multiplyExact(Tensor.numel(shape), (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new InputException(where, t + "shape " + Tensor.shapeString(shape) + " is too large");
        }
        if (end - begin != need) {
            throw new InputException(where, t + "dtype " + dtype + " with shape " + Tensor.shapeString(shape)
                    + " needs " + need + " bytes, but data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        if (need > Integer.MAX_VALUE) {
            throw new InputException(where, t + need + " bytes: tensors over 2 GiB are not supported");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static boolean isOffset(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /**
     * Requires the tensors to tile the data section exactly: sorted by offset they must start at 0, each
     * begin where the previous ends, and the last end at the end of the file.
     */
    private static void checkLayout(List<Entry> entries, long dataLen, String where) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        boolean tiled = true;
        long pos = 0;
        for (Entry e : sorted) {
            tiled &= e.begin() == pos;
            pos = Math.max(pos, e.end());
        }
        if (tiled && pos > dataLen) {
            // The header is self-consistent: the file was cut short.
            Entry first = sorted.stream().filter(e -> e.end() > dataLen).findFirst().orElseThrow();
            throw new InputException(where, "truncated file: the header describes " + pos + " data bytes but only "
                    + dataLen + " are present (tensor '" + first.name() + "' ends at byte " + first.end() + ")");
        }
        for (Entry e : entries) {
            if (e.end() > dataLen) {
                throw new InputException(where, "tensor '" + e.name() + "': data_offsets [" + e.begin() + ", "
                        + e.end() + "] are out of bounds of the " + dataLen + "-byte data section");
            }
        }
        Entry prev = null;
        for (Entry e : sorted) {
            long prevEnd = prev == null ? 0 : prev.end();
            if (prev != null && e.begin() < prevEnd) {
                throw new InputException(where, "tensor '" + e.name() + "': bytes [" + e.begin() + ", " + e.end()
                        + ") overlap tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            if (e.begin() > prevEnd) {
                throw new InputException(where, "tensor '" + e.name() + "': gap of " + (e.begin() - prevEnd)
                        + " unused bytes before its data at offset " + e.begin());
            }
            prev = e;
        }
        if (pos < dataLen) {
            throw new InputException(where, (dataLen - pos) + " trailing bytes after the last tensor"
                    + (prev == null ? "" : " '" + prev.name() + "'"));
        }
    }
}
