package io.xqbus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.internal.Printable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Nothing an event carries forges a log line (issue 22 item 11): what is logged from an event is escaped. */
@ExtendWith(EmbeddedBrokerExtension.class)
class LogInjectionTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final String FORGED = "a14\n2030-01-01T00:00:00.000+0000 [main] ERROR io.xqbus.XqBus - FORGED";

    /** The log output (slf4j-simple writes to System.err) while the action runs; not passed through, to keep the build quiet. */
    static String logOf(Callable<?> action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.call();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000);   // poll interval, bounded by the deadline
        }
    }

    static void assertNoForgedLine(String log) {
        for (String line : log.split("\n")) {
            assertFalse(line.startsWith("2030-01-01"), "a forged log line: " + log);
        }
        assertTrue(log.contains("a14\\n2030-01-01"), "the id is logged, escaped: " + log);
    }

    @Test
    void anEventIdWithANewlineForgesNoLogLine(URI broker) throws Exception {
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            String log = logOf(() -> {
                try (Subscription s = bus.subscribe(List.of(Filter.compile("forge", "declare namespace f='" + NS + "'; "
                        + "/f:Event/f:PhoneStatus[f:CallerId = 'forge']")), m -> {
                            throw new IllegalStateException("cannot handle " + m.event().id());
                        })) {
                    bus.publish("<Event xmlns='" + NS + "' id='" + FORGED.replace("\n", "&#10;") + "'><PhoneStatus><CallerId>forge</CallerId>"
                            + "<ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>");
                    await("the handler failure", () -> s.handlerErrors() >= 1);
                }
                return null;
            });
            assertTrue(log.contains("handler failed on event a14\\n2030"), log);
            assertNoForgedLine(log);
        }
    }

    @Test
    void aForeignMessageIdWithANewlineForgesNoLogLine(URI broker) throws Exception {
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            String log = logOf(() -> {
                try (Subscription s = bus.subscribe(List.of(Filter.compile("all", "true()")), m -> { },
                        SubscriptionOptions.builder().shared("forge").build())) {
                    Connection c = new JmsConnectionFactory(broker).createConnection();
                    try {
                        Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        TextMessage m = session.createTextMessage("<forged-pill>not closed");
                        m.setStringProperty(XqBus.PROP_ID, FORGED);
                        session.createProducer(session.createTopic("xqbus.events")).send(m);
                    } finally {
                        c.close();
                    }
                    await("the dead letter", () -> s.deadLettered() >= 1);
                }
                return null;
            });
            assertTrue(log.contains("dead-lettered event a14\\n2030"), log);
            assertNoForgedLine(log);
        }
    }

    @Test
    void controlCharactersAreEscapedAndOtherTextIsKept() {
        assertEquals("a\\nb\\r\\tc\\u001b[2J\\u0085\\u2028d é", Printable.of("a\nb\r\tc\u001b[2J\u0085\u2028d é"));
        String plain = "plain text";
        assertTrue(plain == Printable.of(plain), "no copy when nothing needs escaping");
        assertEquals("null", Printable.of(null));
    }
}
