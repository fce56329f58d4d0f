package io.xqbus.cli;

/**
 * A failure a command reports as one line (plus an optional hint) and an exit code, without a stack trace.
 * Thrown by command code for problems the library does not know about (a missing input file, say).
 */
public final class CliError extends Exception {

    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final String hint;

    public CliError(int exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public CliError(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /** The exit code to end with. */
    public int exitCode() {
        return exitCode;
    }

    /** One line of advice, or null. */
    public String hint() {
        return hint;
    }
}
