package io.xqbus.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

import io.xqbus.BrokerUnavailableException;
import io.xqbus.ConfigurationException;
import io.xqbus.FilterCompileException;
import io.xqbus.InvalidEventException;
import io.xqbus.NotAuthorizedException;
import io.xqbus.SchemaException;
import io.xqbus.UnknownEventTypeException;
import io.xqbus.XqBusException;
import io.xqbus.internal.Printable;

/**
 * Turns any failure into the exit code of brief §7 and a message a person can act on: one line naming the
 * problem and the place, then one hint where one helps; the stack trace only with {@code --verbose}.
 */
public final class ErrorReporter {

    private final String command;

    public ErrorReporter(String command) {
        this.command = command;
    }

    /** The exit code for a failure. */
    public static int exitCode(Throwable e) {
        if (e instanceof CliError c) {
            return c.exitCode();
        }
        if (e instanceof SchemaException s) {
            return s.problem().contains("does not exist") ? ExitCodes.NO_INPUT : ExitCodes.DATA;
        }
        if (e instanceof InvalidEventException || e instanceof FilterCompileException) {
            return ExitCodes.DATA;
        }
        if (e instanceof NotAuthorizedException) {
            return ExitCodes.NO_PERM;
        }
        if (e instanceof ConfigurationException) {
            return ExitCodes.CONFIG;
        }
        if (e instanceof BrokerUnavailableException) {
            return ExitCodes.UNAVAILABLE;
        }
        if (e instanceof NoSuchFileException) {
            return ExitCodes.NO_INPUT;
        }
        return ExitCodes.SOFTWARE;
    }

    /** Prints the message (and the trace when verbose) and returns the exit code. */
    public int report(Throwable e, PrintWriter err, boolean verbose) {
        int code = exitCode(e);
        // a message may quote an event (an id, a value): one line each, control characters escaped
        err.println(command + ": " + Printable.of(message(e)));
        if (e instanceof SchemaException s && s.problems().size() > 1) {
            for (var p : s.problems().subList(1, s.problems().size())) {
                err.println(command + ": " + Printable.of(p));
            }
        }
        String hint = hint(e);
        if (hint != null) {
            err.println("hint: " + hint);
        }
        if (verbose) {
            e.printStackTrace(err);
        } else if (code == ExitCodes.SOFTWARE) {
            err.println("hint: run again with --verbose for the stack trace, and report it");
        }
        err.flush();
        return code;
    }

    private static String message(Throwable e) {
        if (e instanceof XqBusException x) {
            return x.getMessage();
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof CliError) {
            return e.getMessage();
        }
        if (e instanceof Error) {
            return "internal error: " + e;
        }
        return e.toString();
    }

    private static String hint(Throwable e) {
        if (e instanceof CliError c) {
            return c.hint();
        }
        if (e instanceof UnknownEventTypeException) {
            return "list the known event types with --list-types, or add the XSD with --schemas +DIR";
        }
        if (e instanceof BrokerUnavailableException) {
            return "check --broker (or XQBUS_BROKER); bin/xqbus-broker starts a local broker";
        }
        if (e instanceof NotAuthorizedException) {
            return "check --user and the password (--password-env VAR or XQBUS_PASSWORD)";
        }
        return null;
    }
}
