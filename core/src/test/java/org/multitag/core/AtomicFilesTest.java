package org.multitag.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void failedWriteKeepsOldFileAndLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void failedFolderWriteKeepsOldFolder() throws IOException {
        Path target = dir.resolve("model");
        AtomicFiles.writeFolder(target, f -> Files.writeString(f.resolve("a"), "1"));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeFolder(target, f -> {
            Files.writeString(f.resolve("b"), "2");
            throw new IllegalStateException("bad tensor");
        }));
        assertEquals("1", Files.readString(target.resolve("a")));
        assertFalse(Files.exists(target.resolve("b")));
        AtomicFiles.writeFolder(target, f -> Files.writeString(f.resolve("c"), "3"));
        assertFalse(Files.exists(target.resolve("a")));
        assertEquals("3", Files.readString(target.resolve("c")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void resultKeepsUsualPermissions() throws IOException {
        Path target = dir.resolve("config.json");
        AtomicFiles.write(target, out -> out.write('x'));
        Path plain = Files.writeString(dir.resolve("plain.json"), "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }
}
