package org.multitag.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A command runner for CLI tests: runs {@code multitag} in this JVM and keeps its exit code, stdout and stderr. */
final class TestModels {

    record Result(int code, String out, String err) {}

    private TestModels() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Multitag.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }
}
