package io.xqbus.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/** Wires a picocli command the way every xqbus command behaves: exit codes of brief §7, one-line errors. */
public final class Commands {

    private Commands() {
    }

    /**
     * A command line for {@code command} writing to the given streams.
     *
     * @param verbose tells whether the stack trace should be printed (read after parsing)
     */
    public static CommandLine configure(Object command, String name, PrintWriter out, PrintWriter err,
                                        java.util.function.BooleanSupplier verbose) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        ErrorReporter reporter = new ErrorReporter(name);
        // picocli hands only Exceptions to the handler: an Error (a StackOverflowError deep in a library) would
        // escape with its whole trace, and a daemon's shutdown hook would then end the JVM with 0. Every
        // Throwable becomes an exit code and one line here.
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (Error e) {
                throw new CommandLine.ExecutionException(parseResult.commandSpec().commandLine(), e.toString(), e);
            }
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> reporter.report(
                e instanceof CommandLine.ExecutionException && e.getCause() instanceof Error error ? error : e, err, verbose.getAsBoolean()));
        cl.setParameterExceptionHandler((e, args) -> {
            err.println(name + ": " + e.getMessage());
            err.println("hint: " + name + " --help shows the options and examples");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Keeps third-party loggers quiet unless the user asked otherwise (-Dorg.slf4j.simpleLogger…). */
    public static void quietLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.qpid", "off");   // our own one-line errors say it
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.qpid.jms.provider.failover", "warn");   // a daemon's reconnect attempts
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
