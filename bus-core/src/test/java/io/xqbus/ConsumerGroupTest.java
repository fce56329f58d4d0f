package io.xqbus;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.EmbeddedBroker;
import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.broker.PersistentBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durable and shared consumer groups, at least once, retries and the dead-letter address (brief §8). */
@ExtendWith(EmbeddedBrokerExtension.class)
@PersistentBroker
class ConsumerGroupTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static XqBus bus;

    @BeforeAll
    static void connect(URI broker) throws Exception {
        bus = XqBus.connect(BusOptions.builder().broker(broker).reconnect(true).build());
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    static Filter caller(String prefix) throws FilterCompileException {
        return Filter.compile("calls", F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, '" + prefix + "')]");
    }

    static void publish(String caller) throws XqBusException {
        bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", caller).add("ReceiverId", "1").add("Status", "busy"));
    }

    static SubscriptionOptions fast(SubscriptionOptions.Builder b) {
        return b.maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    }

    @Test
    void aDurableGroupKeepsEventsWhileNoMemberRuns() throws Exception {
        Inbox inbox = new Inbox();
        SubscriptionOptions durable = SubscriptionOptions.builder().durable("keep").build();
        bus.subscribe(List.of(caller("keep-")), inbox, durable).close();
        for (int i = 0; i < 200; i++) {
            publish("keep-" + i);
        }
        try (Subscription s = bus.subscribe(List.of(caller("keep-")), inbox, durable)) {
            List<Match> got = inbox.next(200);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                assertEquals("keep-" + i, got.get(i).event().value("CallerId"));
                assertTrue(ids.add(got.get(i).event().id()), "delivered twice");
            }
        }
        bus.unsubscribe("keep");
        publish("keep-after-unsubscribe");
        try (Subscription s = bus.subscribe(List.of(caller("keep-")), inbox, durable)) {
            publish("keep-fresh");
            assertEquals("keep-fresh", inbox.next().event().value("CallerId"), "unsubscribe deleted the group and what it held");
        }
        bus.unsubscribe("keep");
    }

    @Test
    void sharedMembersSplitTheStreamWithNothingLostAndNothingTwice() throws Exception {
        for (SubscriptionOptions options : List.of(SubscriptionOptions.builder().shared("split").build(),
                SubscriptionOptions.builder().durable("split-durable").build())) {
            ConcurrentHashMap<String, String> seenBy = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            String prefix = "split-" + options.durable() + "-";
            MatchHandler a = m -> { if (seenBy.putIfAbsent(m.event().id(), "a") != null) duplicates.incrementAndGet(); };
            MatchHandler b = m -> { if (seenBy.putIfAbsent(m.event().id(), "b") != null) duplicates.incrementAndGet(); };
            try (XqBus other = XqBus.connect(bus.options());
                 Subscription sa = bus.subscribe(List.of(caller(prefix)), a, options);
                 Subscription sb = other.subscribe(List.of(caller(prefix)), b, options)) {
                for (int i = 0; i < 400; i++) {
                    publish(prefix + i);
                }
                Inbox.await("400 events handled", () -> seenBy.size() >= 400);
                assertEquals(400, seenBy.size());
                assertEquals(0, duplicates.get());
                assertTrue(seenBy.containsValue("a") && seenBy.containsValue("b"), "both members got work: " + sa.matched() + "/" + sb.matched());
            }
            if (options.durable()) {
                bus.unsubscribe(options.group());
            }
        }
    }

    @Test
    void aFailingHandlerIsRetriedThenDeadLetteredAndTheNextEventIsProcessed(URI broker) throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Inbox inbox = new Inbox();
        MatchHandler handler = m -> {
            if (m.event().value("CallerId").equals("dl-fail")) {
                attempts.incrementAndGet();
                throw new IllegalStateException("cannot handle this one");
            }
            inbox.onMatch(m);
        };
        try (Subscription s = bus.subscribe(List.of(caller("dl-")), handler, fast(SubscriptionOptions.builder().shared("dl")))) {
            publish("dl-fail");
            publish("dl-good");
            assertEquals("dl-good", inbox.next().event().value("CallerId"));
            assertEquals(3, attempts.get());
            assertEquals(1, s.deadLettered());
        }
        Message dead = receiveDeadLetter(broker, "dl-fail");
        assertTrue(dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON).contains("cannot handle this one"));
        assertEquals("calls", dead.getStringProperty(SubscriptionOptions.PROP_DL_FILTER));
        assertEquals("xqbus.events.PhoneStatus", dead.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS));
        assertEquals(3, dead.getIntProperty(SubscriptionOptions.PROP_DL_ATTEMPTS));
    }

    @Test
    void aPoisonMessageIsDeadLetteredWithTheReason(URI broker) throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(List.of(caller("poison-")), inbox, fast(SubscriptionOptions.builder().shared("poison")))) {
            Connection c = new JmsConnectionFactory(broker).createConnection();
            try {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createTopic("xqbus.events.PhoneStatus"))
                        .send(session.createTextMessage("<!DOCTYPE x><poison-pill/>"));
            } finally {
                c.close();
            }
            publish("poison-good");
            assertEquals("poison-good", inbox.next().event().value("CallerId"));
            assertEquals(1, s.rejected());
        }
        Message dead = receiveDeadLetter(broker, "poison-pill");
        assertTrue(dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON).contains("DOCTYPE"));
    }

    @Test
    void aBrokerRestartInTheMiddleOfAStreamIsSurvived(EmbeddedBroker broker) throws Exception {
        Inbox inbox = new Inbox();
        SubscriptionOptions durable = SubscriptionOptions.builder().durable("restart").build();
        try (Subscription s = bus.subscribe(List.of(caller("restart-")), inbox, durable)) {
            for (int i = 0; i < 50; i++) {
                publish("restart-" + i);
            }
            inbox.next(50);
            broker.stop();
            broker.start();
            for (int i = 50; i < 100; i++) {
                publish("restart-" + i);   // the publisher reconnects too (the bus reconnects)
            }
            // At least once: events of the first half whose acknowledgement the restart cut off come again, so
            // wait for every event of the second half by name (a count would be filled by those redeliveries).
            Set<String> missing = new HashSet<>();
            for (int i = 50; i < 100; i++) {
                missing.add("restart-" + i);
            }
            List<String> again = new ArrayList<>();
            while (!missing.isEmpty()) {
                Match m = inbox.poll();
                assertNotNull(m, "lost " + new TreeSet<>(missing) + " (seen again meanwhile: " + again + ")");
                String id = m.event().value("CallerId");
                if (!missing.remove(id)) {
                    again.add(id);
                }
            }
            assertTrue(bus.reconnects() >= 1);
        }
        bus.unsubscribe("restart");
    }

    /** Reads the dead-letter queue until the message whose body contains the marker. */
    static Message receiveDeadLetter(URI broker, String marker) throws Exception {
        Connection c = new JmsConnectionFactory(broker).createConnection();
        try {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = session.createConsumer(session.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
            List<String> seen = new ArrayList<>();
            while (true) {
                Message m = consumer.receive(Inbox.DEADLINE.toMillis());
                assertNotNull(m, "no dead letter containing " + marker + "; saw " + seen);
                String body = m instanceof jakarta.jms.TextMessage t ? t.getText() : "";
                if (body.contains(marker)) {
                    return m;
                }
                seen.add(body);
            }
        } finally {
            c.close();
        }
    }
}
