package io.xqbus.cli.listen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.xqbus.Event;
import io.xqbus.Match;
import io.xqbus.internal.Printable;

/**
 * Runs {@code sh -c COMMAND} per match (brief §7): the event document on stdin (without the bus's envelope
 * attributes when its {@link Handover} says {@code strip}), the envelope fields in
 * environment variables ({@code XQBUS_ID}, {@code XQBUS_TYPE}, {@code XQBUS_NS}, {@code XQBUS_SOURCE},
 * {@code XQBUS_PRODUCER}, {@code XQBUS_SEQ}, {@code XQBUS_TIME}, {@code XQBUS_ADDRESS}, {@code XQBUS_FILTER})
 * — never substituted into the command text. A non-zero exit, or running longer than the time limit (the
 * process and its descendants are then killed, whether or not it read its stdin), fails the action. Its
 * stdout and stderr go to the daemon's stderr.
 */
final class ExecAction implements Action {

    private final String command;
    private final Duration timeLimit;
    private final Handover handover;

    ExecAction(String command, Duration timeLimit) {
        this(command, timeLimit, Handover.DEFAULT);
    }

    ExecAction(String command, Duration timeLimit, Handover handover) {
        this.command = command;
        this.timeLimit = timeLimit;
        this.handover = handover;
    }

    @Override
    public void run(Match match) throws Exception {
        Event e = match.event();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command);
        Map<String, String> env = pb.environment();
        put(env, "XQBUS_ID", e.id());
        put(env, "XQBUS_TYPE", e.type());
        put(env, "XQBUS_NS", e.namespace());
        put(env, "XQBUS_SOURCE", e.source());
        put(env, "XQBUS_PRODUCER", e.producer());
        put(env, "XQBUS_SEQ", e.seq() == null ? null : e.seq().toString());
        put(env, "XQBUS_TIME", e.time());
        put(env, "XQBUS_ADDRESS", e.address());
        put(env, "XQBUS_FILTER", match.filter());
        pb.redirectErrorStream(true);
        long deadline = System.nanoTime() + timeLimit.toNanos();
        Process p = pb.start();
        Thread output = new Thread(() -> copy(p.getInputStream()), "exec-output");
        output.setDaemon(true);
        output.start();
        // stdin is fed on a thread of its own: a command that does not read it blocks a write larger than the
        // pipe buffer (64 KiB) for as long as it runs, and the time limit must hold all the same
        byte[] document = handover.documentText(e).getBytes(StandardCharsets.UTF_8);
        Thread input = new Thread(() -> feed(p.getOutputStream(), document), "exec-input");
        input.setDaemon(true);
        input.start();
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            kill(p);
            throw new IllegalStateException("'" + command + "' ran longer than " + timeLimit + " and was killed");
        }
        input.join(1000);   // the process is gone: its stdin is closed and the write ended
        output.join(1000);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + p.exitValue());
        }
    }

    private static void feed(OutputStream stdin, byte[] document) {
        try (stdin) {
            stdin.write(document);
        } catch (IOException ignored) {
            // the command need not read its stdin (or it was killed)
        }
    }

    /**
     * Kills the command and everything it started (sh -c runs it as a child; it may start more). Through the
     * process handles, which only signal: {@code Process.destroyForcibly} also closes the streams and waits
     * for the output reader's lock, which a child still holding the pipe keeps for as long as it runs.
     */
    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);   // while they are still its descendants
        p.toHandle().destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
    }

    private static void copy(InputStream in) {
        try (in) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    System.err.println("exec: " + Printable.of(line.toString(StandardCharsets.UTF_8)));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                System.err.println("exec: " + Printable.of(line.toString(StandardCharsets.UTF_8)));
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    @Override
    public String describe() {
        return "exec " + command;
    }
}
