package io.xqbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** A match handler for tests: collects matches and waits for them with a deadline (never sleeps and hopes). */
final class Inbox implements MatchHandler {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    private final LinkedBlockingQueue<Match> matches = new LinkedBlockingQueue<>();

    @Override
    public void onMatch(Match match) {
        matches.add(match);
    }

    /** The next match, failing the test when none arrives before the deadline. */
    Match next() throws InterruptedException {
        Match m = matches.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(m, "no match arrived within " + DEADLINE);
        return m;
    }

    /** The next match, or null when none arrives before the deadline (for a test that says itself what is missing). */
    Match poll() throws InterruptedException {
        return matches.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next n matches. */
    List<Match> next(int n) throws InterruptedException {
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** Whether nothing else is waiting now. */
    boolean isEmpty() {
        return matches.isEmpty();
    }

    /** What is waiting now, without waiting. */
    List<Match> drain() {
        List<Match> out = new ArrayList<>();
        matches.drainTo(out);
        return out;
    }

    /** Waits until a condition holds, failing the test at the deadline. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + DEADLINE + " waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll interval, bounded by the deadline above
        }
    }
}
