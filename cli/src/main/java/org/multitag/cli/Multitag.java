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
            commandLine.getErr().println("error: " + describe(cause));
            commandLine.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        return cl.execute(args);
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
            }
            return lines.toArray(String[]::new);
        }
    }
}
