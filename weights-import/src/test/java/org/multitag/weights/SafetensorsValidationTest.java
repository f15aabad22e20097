package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;

/** Every malformed file is rejected before use, with a message naming the file and the tensor. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    private Path file(long headerLen, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(header);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    private String reject(Path f) {
        InputException e = assertThrows(InputException.class, () -> SafetensorsReader.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e.getMessage().substring(f.toString().length() + 2);
    }

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    private static final String B = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}";

    @Test
    void validFileIsAccepted() throws IOException {
        assertEquals(2, SafetensorsReader.read(file("{" + A + "," + B + "}   ", 12)).size());
    }

    @Test
    void tooShortForHeaderLength() throws IOException {
        Path f = dir.resolve("tiny.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertEquals("truncated file: 3 bytes, too short for the 8-byte header length", reject(f));
    }

    @Test
    void truncatedData() throws IOException {
        assertEquals("truncated file: the header describes 12 data bytes but only 10 are present "
                + "(tensor 'b' ends at byte 12)", reject(file("{" + A + "," + B + "}", 10)));
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] h = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        assertEquals("header length 1000 runs past the end of the file (" + (8 + h.length + 8) + " bytes)",
                reject(file(1000, h, 8)));
    }

    @Test
    void hugeHeaderLength() throws IOException {
        assertEquals("header length 18446744073709551615 exceeds the limit of 100000000 bytes",
                reject(file(-1L, new byte[16], 0)));
        assertEquals("header length 100000001 exceeds the limit of 100000000 bytes",
                reject(file(100_000_001L, new byte[16], 0)));
    }

    @Test
    void badJson() throws IOException {
        assertTrue(reject(file("{\"a\":{\"dtype\":\"F32\",", 0)).startsWith("malformed JSON header: "));
        assertTrue(reject(file("[1,2]", 0)).startsWith("malformed JSON header: expected a JSON object"));
        assertTrue(reject(file("{}{}", 0)).startsWith("malformed JSON header: unexpected content"));
        byte[] notUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}', ' '};
        assertEquals("header is not valid UTF-8", reject(file(notUtf8.length, notUtf8, 0)));
    }

    @Test
    void offsetsOutOfBounds() throws IOException {
        String far = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[100,104]}";
        assertEquals("tensor 'b': data_offsets [100, 104] are out of bounds of the 12-byte data section",
                reject(file("{" + A + "," + far + "}", 12)));
        String negative = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}";
        assertEquals("tensor 'b': \"data_offsets\" must be two non-negative integers, found [-4,0]",
                reject(file("{" + negative + "}", 4)));
        String backwards = "\"b\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}";
        assertEquals("tensor 'b': data_offsets [8, 4] end before they begin", reject(file("{" + backwards + "}", 8)));
    }

    @Test
    void overlappingTensors() throws IOException {
        String c = "\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}";
        assertEquals("tensor 'c': bytes [4, 12) overlap tensor 'a' [0, 8)", reject(file("{" + A + "," + c + "}", 12)));
    }

    @Test
    void gapsAndTrailingBytes() throws IOException {
        String c = "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}";
        assertEquals("tensor 'c': gap of 4 unused bytes before its data at offset 12",
                reject(file("{" + A + "," + c + "}", 16)));
        assertEquals("4 trailing bytes after the last tensor 'a'", reject(file("{" + A + "}", 12)));
    }

    @Test
    void dtypeShapeLengthMismatch() throws IOException {
        String wrongLen = "\"a\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]}";
        assertEquals("tensor 'a': dtype F16 with shape [2, 3] needs 12 bytes, but data_offsets [0, 8] span 8",
                reject(file("{" + wrongLen + "}", 8)));
        String badDtype = "\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}";
        assertTrue(reject(file("{" + badDtype + "}", 8)).startsWith("tensor 'a': unsupported dtype \"F8_E4M3\""));
        String badShape = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}";
        assertEquals("tensor 'a': shape [2,-1]: dimension 1 is not an integer between 0 and 2147483647",
                reject(file("{" + badShape + "}", 8)));
        String noShape = "\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}";
        assertEquals("tensor 'a': missing or non-array \"shape\"", reject(file("{" + noShape + "}", 8)));
        String huge = "\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}";
        assertEquals("tensor 'a': shape [2147483647, 2147483647, 2147483647] is too large",
                reject(file("{" + huge + "}", 8)));
    }

    @Test
    void duplicateNames() throws IOException {
        String a2 = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}";
        assertEquals("duplicate tensor name 'a' in header", reject(file("{" + A + "," + a2 + "}", 12)));
    }

    @Test
    void badMetadata() throws IOException {
        assertEquals("__metadata__ key 'n' must be a string, found number",
                reject(file("{\"__metadata__\":{\"n\":1}," + A + "}", 8)));
    }

    @Test
    void shardIndexCannotEscapeItsFolder() throws IOException {
        Path index = dir.resolve(SafetensorsReader.INDEX_FILE);
        Files.writeString(index, "{\"weight_map\":{\"a\":\"../../etc/passwd\"}}");
        InputException e = assertThrows(InputException.class, () -> SafetensorsReader.read(index));
        assertEquals(index + ": tensor 'a': invalid shard file name \"../../etc/passwd\"", e.getMessage());
    }

    @Test
    void everyMessageIsDistinct() throws IOException {
        // Guard against two faults collapsing into one generic message.
        String[] msgs = {
            reject(file("{" + A + "," + B + "}", 10)),
            reject(file("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[100,104]}}", 12)),
            reject(file("{" + A + ",\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
            reject(file("{" + A + ",\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)),
        };
        assertEquals(msgs.length, Arrays.stream(msgs).map(m -> m.substring(0, 12)).distinct().count());
    }
}
