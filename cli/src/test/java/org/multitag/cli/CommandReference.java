package org.multitag.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * docs/commands.md from the picocli model of {@link Multitag}: every visible command's {@code --help} text, in a
 * Markdown code block under its own heading. picocli-codegen's ManPageGenerator writes AsciiDoc (man pages), which
 * would need an Asciidoctor step to become the Markdown the other docs pages are; the usage text picocli prints is
 * already the reference, so it is taken as it is.
 */
final class CommandReference {

    /** The command that rewrites docs/commands.md, for the out-of-date message and the page's header. */
    static final String REGENERATE = "mvn -B -q -pl cli -am test -Dtest=CommandReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dmultitag.writeDocs=true";

    /** picocli's default width, fixed here so that -Dpicocli.usage.width cannot change the page. */
    static final int WIDTH = 80;

    private CommandReference() {}

    /** The whole page. */
    static String markdown() {
        CommandLine root = new CommandLine(new Multitag());
        List<CommandLine> commands = new ArrayList<>();
        collect(root, commands);

        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n");
        md.append("<!-- Generated from the picocli model of org.multitag.cli.Multitag by\n")
                .append("     cli/src/test/java/org/multitag/cli/CommandReference.java: do not edit by hand. Regenerate with\n")
                .append("     ").append(REGENERATE).append(" -->\n\n");
        md.append("Every command's `--help`, as `./multitag COMMAND --help` prints it. (`./multitag spark-tag` runs "
                + "the Spark module's own command, outside this model: see [Spark](spark.md).)\n\n");
        for (CommandLine c : commands) {
            if (c != root) {
                md.append("- [`").append(name(c)).append("`](#").append(anchor(c)).append(")");
                String summary = summary(c);
                if (!summary.isEmpty()) {
                    md.append(": ").append(summary);
                }
                md.append('\n');
            }
        }
        for (CommandLine c : commands) {
            c.setUsageHelpWidth(WIDTH);
            md.append("\n## ").append(name(c)).append("\n\n```text\n")
                    .append(c.getUsageMessage(Help.Ansi.OFF).stripTrailing()).append("\n```\n");
        }
        return md.toString();
    }

    /** The command and its visible subcommands, depth first, in declaration order. */
    private static void collect(CommandLine c, List<CommandLine> out) {
        out.add(c);
        for (CommandLine sub : c.getSubcommands().values()) {
            // getSubcommands() maps aliases too: one entry per command
            if (!sub.getCommandSpec().usageMessage().hidden() && !out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName(" ");
    }

    /** The heading's anchor as GitHub makes it: lower case, spaces as hyphens. */
    private static String anchor(CommandLine c) {
        return name(c).toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    }

    /** What the command list of {@code multitag --help} shows: the header, else the description's first sentence. */
    private static String summary(CommandLine c) {
        CommandLine.Model.UsageMessageSpec usage = c.getCommandSpec().usageMessage();
        String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
        if (lines.length == 0) {
            return "";
        }
        // usage strings are format strings (%n, %%)
        String text = lines[0].replace("%n", " ").replace("%%", "%").strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }
}
