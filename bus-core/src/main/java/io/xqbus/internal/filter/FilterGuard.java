package io.xqbus.internal.filter;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs risky filter evaluations on a thread of their own with a time limit (Saxon-HE has none and ignores
 * interrupts, STACK.md). On overrun the caller gets a {@link TimeoutException} at once and the runaway thread
 * is stopped — it only ever runs filter code, so stopping it cannot leave the bus's own locks held — and a
 * fresh thread takes its place. Internal; used by one subscription's delivery thread at a time.
 */
public final class FilterGuard implements AutoCloseable {

    private final String name;
    private ExecutorService executor;
    private volatile Thread worker;

    public FilterGuard(String name) {
        this.name = name;
    }

    /**
     * Runs the task, waiting at most the limit.
     *
     * @throws TimeoutException when it overran (it has then been stopped)
     * @throws Exception        what the task threw
     */
    public <T> T run(Callable<T> task, Duration limit) throws Exception {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "xqbus-filter-guard-" + name);
                t.setDaemon(true);
                worker = t;
                return t;
            });
        }
        Future<T> f = executor.submit(task);
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            Thread runaway = worker;
            executor.shutdownNow();
            executor = null;
            stop(runaway);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof StackOverflowError || cause instanceof OutOfMemoryError) {
                throw new IllegalStateException(describe((Error) cause));
            }
            throw new IllegalStateException(String.valueOf(cause), cause);
        }
    }

    /**
     * What a filter's own {@link OutOfMemoryError} or {@link StackOverflowError} is reported as (no match,
     * counted): the same words whether the filter ran guarded or inline.
     */
    public static String describe(Error e) {
        if (e instanceof StackOverflowError) {
            return "the filter recursed too deeply (stack overflow)";
        }
        if (e instanceof OutOfMemoryError) {
            return "the filter ran out of memory (" + e.getMessage() + ")";
        }
        return String.valueOf(e);
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.stop();   // Java 17: still works; the thread runs nothing but the overrunning query
        } catch (UnsupportedOperationException e) {
            // a newer JDK: the thread runs on until the query ends; the filter is quarantined meanwhile
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
