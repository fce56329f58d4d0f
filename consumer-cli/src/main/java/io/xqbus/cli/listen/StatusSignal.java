package io.xqbus.cli.listen;

/**
 * Prints the daemon's status line on SIGUSR1 ({@code kill -USR1 PID}), where the JVM lets us handle it.
 * Uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module; without it the periodic line remains.
 */
final class StatusSignal {

    private StatusSignal() {
    }

    static void install(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // the signal is taken or unsupported here; the periodic status line still works
        }
    }
}
