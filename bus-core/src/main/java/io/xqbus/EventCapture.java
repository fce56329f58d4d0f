package io.xqbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Captures what is published on a bus, for a user's own tests: start it before the code under test runs,
 * then assert on what arrived by type, by XQuery or by predicate, each with a deadline (never sleep and
 * hope). Works with the JUnit extension's embedded broker or any broker.
 *
 * <pre>{@code
 * try (EventCapture capture = EventCapture.start(bus)) {
 *     billing.charge(order);                                    // the component under test publishes
 *     Event e = capture.awaitType("InvoiceIssued", Duration.ofSeconds(5));
 *     assertEquals("42", e.value("Order"));
 *     capture.await("declare namespace b='urn:billing'; /b:Event/b:InvoiceIssued[b:Total > 100]", Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * Thread-safe. Closing it ends the capture subscription.
 *
 * @since 0.1
 */
public final class EventCapture implements AutoCloseable {

    private final List<Event> events = new ArrayList<>();
    private final Subscription subscription;

    private EventCapture(XqBus bus) throws XqBusException {
        this.subscription = bus.subscribe(List.of(Filter.compile("capture", "/*")), m -> {
            synchronized (events) {
                events.add(m.event());
                events.notifyAll();
            }
        });
    }

    /** Starts capturing every event published from now on (the subscription is in place when this returns). */
    public static EventCapture start(XqBus bus) throws XqBusException {
        return new EventCapture(bus);
    }

    /** Everything captured so far, in arrival order. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events of a type captured so far. */
    public List<Event> events(String type) {
        return events().stream().filter(e -> e.type().equals(type)).toList();
    }

    /**
     * The first captured event that satisfies the predicate, waiting up to the deadline for it.
     *
     * @throws AssertionError when none arrived in time (with what did arrive)
     */
    public Event await(Predicate<Event> condition, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (events) {
            while (true) {
                for (Event e : events) {
                    if (condition.test(e)) {
                        return e;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching event within " + deadline + "; captured: " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
        }
    }

    /** The first captured event of this type (payload local name), waiting up to the deadline. */
    public Event awaitType(String type, Duration deadline) throws InterruptedException {
        return await(e -> e.type().equals(type), deadline);
    }

    /**
     * The first captured event an XQuery matches (its effective boolean value), waiting up to the deadline.
     *
     * @throws FilterCompileException when the query does not compile
     */
    public Event await(String query, Duration deadline) throws InterruptedException, FilterCompileException {
        Filter filter = Filter.compile("await", query);
        try (FilterSet set = FilterSet.of(List.of(filter))) {
            return await(e -> {
                try {
                    return !set.matchesOf(e).isEmpty();
                } catch (Exception ex) {
                    return false;
                }
            }, deadline);
        }
    }

    /** Forgets what was captured. */
    public void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
