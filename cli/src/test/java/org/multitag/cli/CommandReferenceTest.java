package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.multitag.core.AtomicFiles;

/**
 * docs/commands.md is the command reference generated from the picocli model: this fails when a command or option
 * changed without the page being regenerated, and regenerates it when run with {@code -Dmultitag.writeDocs=true}.
 */
class CommandReferenceTest {

    /** Surefire runs in the module's folder. */
    static final Path PAGE = Path.of("..", "docs", "commands.md");

    @Test
    void docsCommandsMdIsUpToDate() throws IOException {
        String page = CommandReference.markdown();
        if (Boolean.getBoolean("multitag.writeDocs")) {
            AtomicFiles.write(PAGE, out -> out.write(page.getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(Files.exists(PAGE), PAGE.toAbsolutePath().normalize() + " is missing; write it with: "
                + CommandReference.REGENERATE);
        String written = Files.readString(PAGE, StandardCharsets.UTF_8);
        if (!page.equals(written)) {
            // the first differing line, not two 500-line strings
            String[] want = page.split("\n", -1);
            String[] have = written.split("\n", -1);
            int i = 0;
            while (i < want.length && i < have.length && want[i].equals(have[i])) {
                i++;
            }
            fail("docs/commands.md is out of date with the commands' help (line " + (i + 1) + ": expected '"
                    + (i < want.length ? want[i] : "<end>") + "', found '" + (i < have.length ? have[i] : "<end>")
                    + "'); regenerate it with: " + CommandReference.REGENERATE);
        }
    }

    @Test
    void everyVisibleCommandHasItsSection() {
        String page = CommandReference.markdown();
        for (var sub : new picocli.CommandLine(new Multitag()).getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            String name = sub.getKey();
            int section = page.indexOf("\n## multitag " + name + "\n\n```text\n");
            assertTrue(section >= 0, "no section for " + name);
            int end = page.indexOf("\n```\n", section);
            assertTrue(page.substring(section, end).contains("Usage: multitag " + name + " "),
                    "no usage line in the section of " + name);
        }
    }
}
