package org.multitag.weights;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.multitag.core.InputException;

/**
 * Reads a TensorFlow TensorBundle, the format of {@code variables.index} + {@code variables.data-*} in a
 * SavedModel and of {@code model.ckpt.index} + {@code .data-*} checkpoints. The index is a LevelDB-style
 * SSTable (a footer pointing at an index block, which points at data blocks of prefix-compressed keys);
 * each value is a {@code BundleEntryProto} giving dtype, shape, shard, offset, size and CRC32C of a tensor
 * whose raw little-endian bytes sit in a data shard. Protobuf fields are decoded with protobuf-java.
 */
public final class TfBundleReader {

    /** Supplies the bytes of data shard {@code shard} (of {@code numShards}). */
    @FunctionalInterface
    public interface Shards {
        ByteBuffer shard(int shard, int numShards) throws IOException;
    }

    private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
    private static final int FOOTER_SIZE = 48;
    private static final int BLOCK_TRAILER_SIZE = 5;

    /** TF DataType numbers of the types this reader converts. */
    private static final Map<Integer, DType> TF_TYPES = Map.of(1, DType.F32, 2, DType.F64, 3, DType.I32,
            4, DType.U8, 6, DType.I8, 9, DType.I64, 10, DType.BOOL, 14, DType.BF16, 19, DType.F16);

    /** One tensor's index entry. */
    record Entry(String name, int tfType, int[] shape, int shard, long offset, long size, int crc32c) {}

    private TfBundleReader() {}

    /**
     * Reads every tensor the index lists, checking its size and CRC32C. Tensors of types other than those
     * of {@link DType} (strings, resources) are left out and named in {@code skipped}.
     */
    public static StateDict read(ByteBuffer index, Shards shards, String where, Map<String, String> skipped)
            throws IOException {
        Map<String, byte[]> table = readTable(index, where);
        byte[] header = table.remove("");
        int numShards = header == null ? 1 : headerShards(header, where);
        Map<Integer, ByteBuffer> data = new LinkedHashMap<>();
        StateDict out = new StateDict();
        for (Map.Entry<String, byte[]> kv : table.entrySet()) {
            Entry e = entry(kv.getKey(), kv.getValue(), where);
            DType dtype = TF_TYPES.get(e.tfType());
            if (dtype == null) {
                skipped.put(e.name(), "TF dtype " + e.tfType());
                continue;
            }
            if (e.shard() < 0 || e.shard() >= numShards) {
                throw new InputException(where, "tensor '" + e.name() + "': shard " + e.shard() + " of " + numShards);
            }
            ByteBuffer shard = data.get(e.shard());
            if (shard == null) {
                shard = shards.shard(e.shard(), numShards).order(ByteOrder.LITTLE_ENDIAN);
                data.put(e.shard(), shard);
            }
            long need = Tensor.numel(e.shape()) * dtype.size();
            if (e.size() != need || e.offset() < 0 || e.offset() + e.size() > shard.capacity()) {
                throw new InputException(where, "tensor '" + e.name() + "': " + e.size() + " bytes at offset "
                        + e.offset() + " (shape " + Tensor.shapeString(e.shape()) + " needs " + need
                        + ", data shard has " + shard.capacity() + ")");
            }
            ByteBuffer bytes = shard.slice((int) e.offset(), (int) e.size());
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if (mask((int) crc.getValue()) != e.crc32c()) {
                throw new InputException(where, "tensor '" + e.name() + "': CRC32C mismatch, the data file is corrupt");
            }
            out.put(new Tensor(e.name(), dtype, e.shape(), bytes));
        }
        return out;
    }

    /** LevelDB's CRC masking, which TF applies to stored checksums. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** All key/value pairs of an uncompressed SSTable, in key order. */
    static Map<String, byte[]> readTable(ByteBuffer index, String where) throws IOException {
        ByteBuffer file = index.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = file.capacity();
        if (n < FOOTER_SIZE || file.getLong(n - 8) != TABLE_MAGIC) {
            throw new InputException(where, "not a TensorFlow bundle index (no SSTable footer magic)");
        }
        CodedInputStream footer = CodedInputStream.newInstance(file.slice(n - FOOTER_SIZE, FOOTER_SIZE));
        footer.readRawVarint64(); // metaindex handle: TF writes no meta blocks
        footer.readRawVarint64();
        long indexOffset = footer.readRawVarint64();
        long indexSize = footer.readRawVarint64();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> blockRef : readBlock(file, indexOffset, indexSize, where).entrySet()) {
            CodedInputStream h = CodedInputStream.newInstance(blockRef.getValue());
            long off = h.readRawVarint64();
            long size = h.readRawVarint64();
            out.putAll(readBlock(file, off, size, where));
        }
        return out;
    }

    private static Map<String, byte[]> readBlock(ByteBuffer file, long offset, long size, String where)
            throws IOException {
        if (offset < 0 || size < 4 || offset + size + BLOCK_TRAILER_SIZE > file.capacity() - FOOTER_SIZE) {
            throw new InputException(where, "SSTable block [" + offset + ", +" + size + ") is out of bounds");
        }
        int compression = file.get((int) (offset + size));
        if (compression != 0) {
            throw new InputException(where, "compressed SSTable blocks (type " + compression + ") are not supported");
        }
        ByteBuffer block = file.slice((int) offset, (int) size).order(ByteOrder.LITTLE_ENDIAN);
        int numRestarts = block.getInt((int) size - 4);
        int end = (int) size - 4 - 4 * numRestarts;
        if (numRestarts < 0 || end < 0) {
            throw new InputException(where, "SSTable block at " + offset + " has a bad restart array");
        }
        CodedInputStream in = CodedInputStream.newInstance(block.slice(0, end));
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] key = new byte[0];
        while (!in.isAtEnd()) {
            int shared = in.readRawVarint32();
            int unshared = in.readRawVarint32();
            int valueLen = in.readRawVarint32();
            if (shared > key.length || unshared < 0 || valueLen < 0) {
                throw new InputException(where, "SSTable block at " + offset + " has a corrupt entry");
            }
            byte[] next = new byte[shared + unshared];
            System.arraycopy(key, 0, next, 0, shared);
            System.arraycopy(in.readRawBytes(unshared), 0, next, shared, unshared);
            key = next;
            out.put(new String(key, java.nio.charset.StandardCharsets.UTF_8), in.readRawBytes(valueLen));
        }
        return out;
    }

    /** BundleHeaderProto: num_shards (1), endianness (2, 0 = little). */
    private static int headerShards(byte[] value, String where) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(value);
        int shards = 1;
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (tag >>> 3) {
                case 1 -> shards = in.readInt32();
                case 2 -> {
                    if (in.readEnum() != 0) {
                        throw new InputException(where, "big-endian TensorFlow bundles are not supported");
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return shards;
    }

    /** BundleEntryProto: dtype (1), shape (2), shard_id (3), offset (4), size (5), crc32c (6), slices (7). */
    static Entry entry(String name, byte[] value, String where) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(value);
        int dtype = 0;
        int shard = 0;
        long offset = 0;
        long size = 0;
        int crc = 0;
        int[] shape = new int[0];
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (tag >>> 3) {
                case 1 -> dtype = in.readEnum();
                case 2 -> shape = shape(in.readByteArray());
                case 3 -> shard = in.readInt32();
                case 4 -> offset = in.readInt64();
                case 5 -> size = in.readInt64();
                case 6 -> crc = in.readFixed32();
                case 7 -> throw new InputException(where, "tensor '" + name + "' is stored in slices, not supported");
                default -> in.skipField(tag);
            }
        }
        return new Entry(name, dtype, shape, shard, offset, size, crc);
    }

    /** TensorShapeProto: repeated Dim dim = 2 { int64 size = 1; string name = 2; }. */
    private static int[] shape(byte[] value) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(value);
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0;) {
            if (tag >>> 3 == 2) {
                CodedInputStream dim = CodedInputStream.newInstance(in.readByteArray());
                long size = 0;
                for (int t; (t = dim.readTag()) != 0;) {
                    if (t >>> 3 == 1) {
                        size = dim.readInt64();
                    } else {
                        dim.skipField(t);
                    }
                }
                dims.add(Math.toIntExact(size));
            } else {
                in.skipField(tag);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }
}
