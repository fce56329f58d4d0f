package io.xqbus.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.Command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's top-level handling (cli-common's Commands): no crash escapes as a stack trace or exit 0. */
class CommandsTest {

    @Command(name = "crashing")
    static final class Crashing implements Callable<Integer> {
        @Override
        public Integer call() {
            return recurse(0);
        }

        private static int recurse(int n) {
            return recurse(n + 1) + 1;
        }
    }

    @Test
    void aStackOverflowErrorIsExit70WithOneLineNotATrace() {
        StringWriter err = new StringWriter();
        int code = Commands.configure(new Crashing(), "crashing", new PrintWriter(new StringWriter()), new PrintWriter(err, true), () -> false)
                .execute();
        assertEquals(ExitCodes.SOFTWARE, code, err.toString());
        String[] lines = err.toString().split("\n");
        assertEquals("crashing: internal error: java.lang.StackOverflowError", lines[0]);
        assertTrue(lines.length <= 2 && (lines.length == 1 || lines[1].startsWith("hint: ")), "one line and a hint: " + err);
        assertFalse(err.toString().contains("\tat "), "no stack trace without --verbose: " + err);
    }
}
