package io.xqbus.events;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.BusListener;
import io.xqbus.BusOptions;
import io.xqbus.Event;
import io.xqbus.EventBuilder;
import io.xqbus.EventCapture;
import io.xqbus.InvalidEventException;
import io.xqbus.Match;
import io.xqbus.OnEvent;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedding API against the embedded broker: handlers, order, priority, drain, batches, duplicates, gaps, capture. */
@ExtendWith(EmbeddedBrokerExtension.class)
class EmbeddingTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static final Duration WAIT = Duration.ofSeconds(20);
    static XqBus bus;

    @BeforeAll
    static void connect(URI broker) throws Exception {
        bus = XqBus.connect(BusOptions.builder().broker(broker).source("embedding").build());
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    static EventBuilder node(String id) {
        return EventBuilder.of("NodeAnnounce").add("Id", id);
    }

    /** Handlers as a user writes them. */
    static final class Handlers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @OnEvent(query = F + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'h-')]", priority = 1)
        void low(Event e) {
            calls.add("low:" + e.value("Id"));
        }

        @OnEvent(type = NodeAnnounce.class, priority = 5)
        void typed(NodeAnnounce announce, Event meta) {
            if (announce.getId().startsWith("h-")) {
                calls.add("typed:" + announce.getId());
            }
        }

        @OnEvent(query = F + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'h-')]", priority = 9, name = "thrower")
        void thrower(Match m) {
            calls.add("thrower:" + m.event().value("Id"));
            throw new IllegalStateException("this handler always fails");
        }
    }

    @Test
    void annotatedHandlersRunByPriorityInArrivalOrderAndAThrowingOneAffectsNoOther() throws Exception {
        Handlers h = new Handlers();
        List<String> failures = new CopyOnWriteArrayList<>();
        try (XqBus local = XqBus.connect(bus.options().newBuilder().listener(new BusListener() {
                 @Override
                 public void handlerFailed(String filter, String eventId, Throwable error) {
                     failures.add(filter);
                 }
             }).build());
             Subscription s = local.register(h)) {
            for (int i = 0; i < 20; i++) {
                bus.publish(node("h-" + i));
            }
            try (EventCapture capture = EventCapture.start(bus)) {
                bus.publish(node("h-marker"));
                capture.awaitType("NodeAnnounce", WAIT);
            }
            waitFor(() -> h.calls.size() >= 63);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.addAll(List.of("thrower:h-" + i, "typed:h-" + i, "low:h-" + i));
            }
            assertEquals(expected, h.calls.subList(0, 60), "priority order per event, events in arrival order");
            assertEquals(21, failures.size());
            assertEquals(21, s.handlerErrors());
        }
    }

    @Test
    void drainFinishesTheHandlerInFlight() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        Subscription s = bus.subscribe(F + "/f:Event/f:NodeAnnounce[f:Id = 'slow']", m -> {
            started.countDown();
            assertTrue(release.await(20, TimeUnit.SECONDS));   // the handler's work, held until the test lets it go
            finished.incrementAndGet();
        });
        bus.publish(node("slow"));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        var drained = java.util.concurrent.CompletableFuture.supplyAsync(() -> s.drain(Duration.ofSeconds(20)));
        assertFalse(drained.isDone(), "drain waits for the handler in flight");
        release.countDown();
        assertTrue(drained.get(20, TimeUnit.SECONDS), "drained in time");
        assertEquals(1, finished.get(), "the handler in flight finished before drain returned");
        assertTrue(s.isClosed());
    }

    @Test
    void parallelHandlersRunConcurrentlyWhenAskedFor() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        Subscription s = bus.subscribe(List.of(io.xqbus.Filter.compile("par", F + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'par-')]")), m -> {
            bothRunning.countDown();
            assertTrue(release.await(20, TimeUnit.SECONDS));
            done.incrementAndGet();
        }, SubscriptionOptions.builder().parallel(2).build());
        bus.publish(node("par-1"));
        bus.publish(node("par-2"));
        assertTrue(bothRunning.await(20, TimeUnit.SECONDS), "two handlers ran at the same time");
        release.countDown();
        assertTrue(s.drain(Duration.ofSeconds(20)));
        assertEquals(2, done.get(), "drain waits for the parallel handlers too");
        assertThrows(IllegalArgumentException.class, () -> SubscriptionOptions.builder().durable("g").parallel(2).build());
    }

    @Test
    void aBatchWithOneInvalidEventDeliversNothingAndNamesIt() throws Exception {
        try (EventCapture capture = EventCapture.start(bus)) {
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> bus.publishBatch(List.of(
                    node("b-1"), node("b-2"), EventBuilder.of("NodeAnnounce").add("Colour", "red"), node("b-4"))));
            assertTrue(e.getMessage().contains("event 3 of 4"), e.getMessage());
            var receipts = bus.publishBatch(List.of(node("b-ok-1"), node("b-ok-2")));
            assertEquals(receipts.get(0).seq() + 1, receipts.get(1).seq());
            capture.await(x -> "b-ok-2".equals(x.value("Id")), WAIT);
            assertEquals(List.of("b-ok-1", "b-ok-2"), capture.events("NodeAnnounce").stream().map(x -> x.value("Id")).toList(),
                    "nothing of the invalid batch arrived, all of the good one did");
        }
    }

    @Test
    void duplicatesAreSuppressedAndGapsReported(URI broker) throws Exception {
        List<String> dropped = new CopyOnWriteArrayList<>();
        List<long[]> gaps = new CopyOnWriteArrayList<>();
        BusListener listener = new BusListener() {
            @Override
            public void duplicateSuppressed(String eventId, String producer, Long seq) {
                dropped.add(eventId);
            }

            @Override
            public void gapDetected(String producer, String source, long expected, long received) {
                gaps.add(new long[] {expected, received});
            }
        };
        try (XqBus consumer = XqBus.connect(BusOptions.builder().broker(broker).listener(listener).build())) {
            List<String> got = new CopyOnWriteArrayList<>();
            Subscription s = consumer.subscribe(List.of(io.xqbus.Filter.compile("all", "/*")), m -> got.add(m.event().id()),
                    SubscriptionOptions.builder().suppressDuplicates(1000).detectGaps(true).build());
            String doc = "<Event xmlns='http://www.gonicus.de/Events' id='dup-1' producer='p-1' seq='%d'><NodeAnnounce><Id>d</Id></NodeAnnounce></Event>";
            sendRaw(broker, doc.formatted(1), doc.formatted(1), doc.replace("dup-1", "dup-2").formatted(2),
                    doc.replace("dup-1", "dup-5").formatted(5));
            waitFor(() -> got.size() >= 3 && dropped.size() >= 1);
            assertEquals(List.of("dup-1", "dup-2", "dup-5"), got);
            assertEquals(List.of("dup-1"), dropped);
            assertEquals(1, gaps.size());
            assertEquals(3, gaps.get(0)[0]);
            assertEquals(5, gaps.get(0)[1]);
            assertEquals(1, s.duplicates());
            assertEquals(1, s.gaps());
        }
    }

    @Test
    void theCaptureHelperAssertsByTypeAndByQuery() throws Exception {
        try (EventCapture capture = EventCapture.start(bus)) {
            bus.publish(node("cap-1"));
            bus.publish(EventBuilder.of("NodeLeave").add("Id", "cap-1"));
            assertEquals("cap-1", capture.awaitType("NodeLeave", WAIT).value("Id"));
            Event e = capture.await(F + "/f:Event/f:NodeAnnounce[f:Id = 'cap-1']", WAIT);
            assertEquals("embedding", e.source());
            assertThrows(AssertionError.class, () -> capture.awaitType("ClientPoll", Duration.ofMillis(200)));
        }
    }

    @Test
    void theMetricsCountWhatTheTestSent(URI broker) throws Exception {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (XqBus metered = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            new io.xqbus.XqBusMetrics(metered).bindTo(registry);
            AtomicInteger handled = new AtomicInteger();
            metered.subscribe(List.of(io.xqbus.Filter.compile("metric-nodes", F + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'm-')]"),
                    io.xqbus.Filter.compile("two-strings", F + "(/f:Event/f:NodeAnnounce[starts-with(f:Id, 'm-')]/f:Id/string(), 'x')")),
                    m -> {
                        handled.incrementAndGet();
                        throw new IllegalStateException("counted as a handler error");
                    });
            for (int i = 0; i < 3; i++) {
                metered.publish(node("m-" + i));
            }
            waitFor(() -> handled.get() >= 3);
            collectGarbage();   // the meters must outlive a collection: Micrometer holds what it is given only weakly
            waitFor(() -> registry.get("xqbus.filter.errors").functionCounter().count() >= 3);
            assertEquals(3, registry.get("xqbus.published").functionCounter().count());
            assertEquals(3, registry.get("xqbus.matched").tag("filter", "metric-nodes").functionCounter().count());
            assertEquals(3, registry.get("xqbus.handler.errors").functionCounter().count());
            assertEquals(3, registry.get("xqbus.filter.errors").functionCounter().count(), "two strings have no boolean value");
            assertTrue(registry.get("xqbus.received").functionCounter().count() >= 3);
            assertEquals(3, registry.get("xqbus.handler").functionTimer().count());
        }
    }

    @Test
    void versionsComeFromTheNamespace() throws Exception {
        try (EventCapture capture = EventCapture.start(bus)) {
            bus.publish(node("v"));
            assertEquals(null, capture.awaitType("NodeAnnounce", WAIT).version(), "the lineage namespace carries no version");
        }
        assertFalse(bus.schemas().eventTypes().isEmpty());
    }

    static void sendRaw(URI broker, String... bodies) throws Exception {
        jakarta.jms.Connection c = new org.apache.qpid.jms.JmsConnectionFactory(broker).createConnection();
        try {
            jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            var p = s.createProducer(s.createTopic("xqbus.events.NodeAnnounce"));
            for (String b : bodies) {
                p.send(s.createTextMessage(b));
            }
        } finally {
            c.close();
        }
    }

    /** Runs the collector until a canary only weakly reachable is gone, so a collection really ran. */
    static void collectGarbage() {
        var canary = new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 50 && canary.get() != null; i++) {
            System.gc();
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);   // let the collector finish, bounded by the loop
        }
        assertTrue(canary.get() == null, "no garbage collection ran");
        System.gc();   // a second collection, in case the meters' weak targets were cleared on a later cycle
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);   // poll interval, bounded by the deadline
        }
    }
}
