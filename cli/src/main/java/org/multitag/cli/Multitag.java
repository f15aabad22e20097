package org.multitag.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.multitag.core.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code multitag} command line. */
@Command(
        name = "multitag",
        mixinStandardHelpOptions = true,
        versionProvider = Multitag.Version.class,
        description = "Multi-label token classification with contextual embeddings (BERT), on the JVM.",
        subcommands = {DemoCommand.class, TokenizeCommand.class, ImportCommand.class, InspectCommand.class,
            EmbedCommand.class, PredictCommand.class, ServeCommand.class, TrainCommand.class, EvalCommand.class,
            TuneThresholdsCommand.class, GradsCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
public final class Multitag implements Runnable {

    /** Exit code for bad input (files, lines, options). */
    public static final int EXIT_BAD_INPUT = 2;

    /** Exit code when the machine cannot run what was asked (no backend, a failed self-check). */
    public static final int EXIT_FAILURE = 1;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // UTF-8 whatever the platform's default charset (a POSIX locale would turn non-ASCII into '?').
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Multitag root = new Multitag();
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex;
            if (root.debug) {
                cause.printStackTrace(commandLine.getErr());
            }
            String backend = backendFailure(cause);
            commandLine.getErr().println("error: " + (backend != null ? backend : describe(cause)));
            commandLine.getErr().flush();
            return backend != null ? EXIT_FAILURE : EXIT_BAD_INPUT;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        try {
            return cl.execute(args);
        } catch (LinkageError e) {
            // picocli hands only exceptions to the handler; a backend's native library that fails to load is an error
            String backend = backendFailure(e);
            if (backend == null) {
                throw e;
            }
            if (root.debug) {
                e.printStackTrace(err);
            }
            err.println("error: " + backend);
            err.flush();
            return EXIT_FAILURE;
        }
    }

    /**
     * What to say when ND4J could not load its backend (the CUDA build without an NVIDIA driver, typically), or null
     * when {@code t} is something else: the stack of JavaCPP's loader says nothing a user can act on.
     */
    static String backendFailure(Throwable t) {
        String link = null;
        boolean noBackend = false;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getName().endsWith("NoAvailableBackendException")) {
                noBackend = true;
            }
            if (c instanceof UnsatisfiedLinkError && link == null) {
                link = c.getMessage();
            }
        }
        if (!noBackend && link == null) {
            return null;
        }
        boolean cuda = "cuda".equalsIgnoreCase(System.getenv("MULTITAG_BACKEND"));
        return "ND4J could not load its " + (cuda ? "CUDA " : "") + "backend"
                + (link != null ? " (" + link + ")" : "")
                + (cuda ? ": the CUDA build needs an NVIDIA GPU and its driver (libcuda.so.1); `./multitag doctor`"
                        + " without MULTITAG_BACKEND=cuda checks the CPU build" : "");
    }

    private static String describe(Throwable t) {
        if (t instanceof InputException || t instanceof CommandLine.ParameterException) {
            return t.getMessage();
        }
        if (t instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (t instanceof java.nio.file.NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof java.nio.file.AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            // a JSON file read without naming it (the named ones throw InputException): at least not Jackson's words
            return "not valid JSON: " + org.multitag.core.JsonErrors.describe(j, "file");
        }
        if (t instanceof IOException) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Multitag.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
                    "multitag " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"));
            try {
                lines.addAll(ComputeReport.lines(org.multitag.model.kernels.ComputeSetting.defaults()));
            } catch (IllegalArgumentException e) {
                lines.add(ComputeReport.line("compute", "error: " + e.getMessage()));
            } catch (RuntimeException | LinkageError e) {
                String backend = backendFailure(e);
                if (backend == null) {
                    throw e;
                }
                lines.add(ComputeReport.line("compute", "error: " + backend));
            }
            return lines.toArray(String[]::new);
        }
    }
}
