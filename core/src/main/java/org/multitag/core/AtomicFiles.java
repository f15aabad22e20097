package org.multitag.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes files and folders so that a crash or an error never leaves a half-written result: the content
 * goes to a temporary sibling first and is renamed over the target only when complete.
 */
public final class AtomicFiles {

    /** Writes one file's content. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Fills a folder. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code target} through a temporary file in the same folder, then renames it into place. */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = siblingName(absolute, ".tmp");
        try {
            // CREATE_NEW (not createTempFile) so the result gets the usual permissions, not owner-only.
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            move(tmp, absolute);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Fills a temporary folder beside {@code target}, then swaps it in. An existing target is replaced only
     * after the new content is complete.
     */
    public static void writeFolder(Path target, FolderWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createDirectory(siblingName(absolute, ".tmp"));
        try {
            writer.write(tmp);
            if (Files.exists(absolute)) {
                Path old = siblingName(absolute, ".old");
                move(absolute, old);
                move(tmp, absolute);
                deleteRecursively(old);
            } else {
                move(tmp, absolute);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /** A hidden, unused name beside {@code target}. */
    private static Path siblingName(Path target, String suffix) {
        Path parent = target.getParent();
        while (true) {
            Path p = parent.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + suffix);
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a file or a folder tree; missing paths are ignored. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
