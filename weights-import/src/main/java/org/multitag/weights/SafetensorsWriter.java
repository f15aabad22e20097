package org.multitag.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.multitag.core.AtomicFiles;

/**
 * Writes safetensors files the way the Hugging Face library does: an 8-byte little-endian header length,
 * a compact JSON header with {@code __metadata__} first, padded with spaces to a multiple of 8 bytes so
 * tensor data starts aligned, then the tensors back to back. The file is written to a temporary sibling
 * and renamed, so a crash leaves any previous file intact.
 */
public final class SafetensorsWriter {

    /** Order of tensors in the header and the data section. */
    public enum Order {
        /** The order of the state dict. */
        DECLARED,
        /** By name, which makes the output independent of how the state dict was built. */
        SORTED
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code tensors} and their metadata in declared order. */
    public static void write(Path file, StateDict tensors) throws IOException {
        write(file, tensors, Order.DECLARED);
    }

    /** Writes {@code tensors} and their metadata atomically. */
    public static void write(Path file, StateDict tensors, Order order) throws IOException {
        AtomicFiles.write(file, out -> writeTo(out, tensors, order));
    }

    /** Writes the complete file content to a stream. */
    public static void writeTo(OutputStream out, StateDict tensors, Order order) throws IOException {
        List<Tensor> list = new ArrayList<>(tensors.tensors());
        if (order == Order.SORTED) {
            list.sort(Comparator.comparing(Tensor::name));
        }
        byte[] header = header(list, tensors);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(len.array());
        out.write(header);
        WritableByteChannel ch = Channels.newChannel(out);
        for (Tensor t : list) {
            ByteBuffer b = t.data();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        out.flush();
    }

    /** The padded header bytes for tensors laid out in list order. */
    static byte[] header(List<Tensor> list, StateDict tensors) {
        ObjectNode root = JSON.createObjectNode();
        if (!tensors.metadata().isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            tensors.metadata().forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : list) {
            if (t.name().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            ArrayNode off = e.putArray("data_offsets");
            off.add(offset);
            offset += t.byteSize();
            off.add(offset);
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }
}
