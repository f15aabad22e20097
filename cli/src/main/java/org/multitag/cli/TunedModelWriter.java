package org.multitag.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.model.decoding.Decoding;

/**
 * Where {@code tune-thresholds} puts a tuned decoding setup: a new model folder beside the original
 * ({@code --out}), or the model's own folder with each replaced file kept as {@code FILE.bak} ({@code --in-place}).
 */
final class TunedModelWriter {

    /** What a write did: files hard-linked and copied from the source (new folder), backups kept (in place). */
    record Written(int linked, int copied, List<Path> backups) {}

    private TunedModelWriter() {}

    /**
     * Fails unless {@code target} can become a new model folder: absent, or an empty folder, and not inside
     * {@code source}. Checked before any work, and again when writing.
     */
    static void checkNewFolder(Path target, Path source) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path s = source.toAbsolutePath().normalize();
        if (!t.equals(s) && t.startsWith(s)) {
            throw new InputException(target.toString(), "is inside the model folder " + source + " (--out takes a "
                    + "folder elsewhere)");
        }
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new InputException(target.toString(), "exists and is not a folder (--out takes a new folder)");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new InputException(target.toString(), "exists and is not empty (--out takes a new folder; "
                        + "--in-place rewrites the model folder itself)");
            }
        }
    }

    /**
     * Writes a new model folder {@code target}: every file of {@code source} but its decoding files (and their
     * {@code .bak} copies), then the tuned ones; built in a temporary folder and renamed into place, so
     * {@code target} is never half-written and {@code source} is never changed. Weights ({@code *.safetensors}) are hard-linked where the file system
     * allows (multitag replaces files by renaming, never rewrites them, so the two folders cannot change each
     * other's weights), else copied; the other files are copied.
     */
    static Written newFolder(Path source, Path target, Decoding decoding) throws IOException {
        checkNewFolder(target, source);
        Map<String, byte[]> tuned = decoding.files();
        int[] counts = new int[2];
        AtomicFiles.writeFolder(target, tmp -> {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path file : files) {
                Path relative = source.relativize(file);
                String name = relative.toString();
                // the decoding files are replaced; their backups from an --in-place run are not part of the model
                if (relative.getNameCount() == 1 && (Decoding.FILES.contains(name)
                        || name.endsWith(".bak") && Decoding.FILES.contains(name.substring(0, name.length() - 4)))) {
                    continue;
                }
                Path to = tmp.resolve(relative.toString());
                Files.createDirectories(to.getParent());
                counts[linkOrCopy(file, to) ? 0 : 1]++;
            }
            for (Map.Entry<String, byte[]> f : tuned.entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue());
            }
        });
        return new Written(counts[0], counts[1], List.of());
    }

    /**
     * Rewrites the decoding files of {@code folder}: each file replaced or removed is first kept as
     * {@code FILE.bak} (an older {@code .bak} is replaced); each new file is written atomically.
     */
    static Written inPlace(Path folder, Decoding decoding) throws IOException {
        Map<String, byte[]> tuned = decoding.files();
        List<Path> backups = new ArrayList<>();
        for (String name : Decoding.FILES) {
            Path file = folder.resolve(name);
            Path backup = folder.resolve(name + ".bak");
            byte[] content = tuned.get(name);
            if (Files.isRegularFile(file)) {
                if (content == null) {
                    Files.move(file, backup, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(backup);
                    linkOrCopy(file, backup);
                }
                backups.add(backup);
            }
            if (content != null) {
                AtomicFiles.write(file, out -> out.write(content));
            }
        }
        return new Written(0, 0, backups);
    }

    /** Hard-links {@code from} as {@code to} when it holds weights and the file system allows; else copies. */
    private static boolean linkOrCopy(Path from, Path to) throws IOException {
        if (from.getFileName().toString().endsWith(".safetensors") && !Files.isSymbolicLink(from)) {
            try {
                Files.createLink(to, from);
                return true;
            } catch (UnsupportedOperationException | IOException e) {
                // another file system, or one without hard links: a copy does the same job
            }
        }
        Files.copy(from, to);
        return false;
    }
}
