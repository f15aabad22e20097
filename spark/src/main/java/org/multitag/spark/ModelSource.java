package org.multitag.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where executors find the model: a folder path every executor can read (local mode, a shared file system), or
 * the folder's files themselves, shipped with the job (Spark broadcasts them) and unpacked once per executor JVM.
 * {@link #key()} identifies the model, so each executor JVM loads it once whatever the number of tasks.
 */
public final class ModelSource implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final Map<String, byte[]> files;
    private final String key;

    private ModelSource(String path, Map<String, byte[]> files, String key) {
        this.path = path;
        this.files = files;
        this.key = key;
    }

    /** A model folder at the same path on the driver and on every executor. */
    public static ModelSource path(Path folder) {
        String p = folder.toAbsolutePath().normalize().toString();
        return new ModelSource(p, null, "path:" + p);
    }

    /** The regular files of a model folder, read here to be shipped to executors that cannot see the folder. */
    public static ModelSource shipped(Path folder) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(folder)) {
            entries = s.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : entries) {
            byte[] bytes = Files.readAllBytes(f);
            String name = f.getFileName().toString();
            files.put(name, bytes);
            sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(bytes);
        }
        return new ModelSource(null, files, "sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    /** Identifies the model's content (shipped) or location (path). */
    public String key() {
        return key;
    }

    /** Whether the files travel with the job. */
    public boolean isShipped() {
        return files != null;
    }

    /** The folder to load on this JVM: the path itself, or the shipped files unpacked into a temporary folder. */
    Path materialize() {
        if (files == null) {
            return Path.of(path);
        }
        try {
            Path dir = Files.createTempDirectory("multitag-model-");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the shipped model", e);
        }
    }

    @Override
    public String toString() {
        return files == null ? path : "shipped model (" + files.size() + " files, " + key + ")";
    }
}
