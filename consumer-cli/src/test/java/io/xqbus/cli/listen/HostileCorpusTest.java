package io.xqbus.cli.listen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.SubscriptionOptions;
import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.cli.send.SendEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The hostile-input corpus (src/test/resources/hostile and the generated cases): every case is refused by
 * sendevent with exit 65 and a clear message in a JVM with a 64 MB heap, within a bounded time, and
 * dead-lettered with the reason by a running consumer that then still processes the next good event.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class HostileCorpusTest {

    /** Case file → a phrase the refusal must contain. */
    static final Map<String, String> CASES = new LinkedHashMap<>();

    static {
        CASES.put("entity-expansion.xml", "DOCTYPE");
        CASES.put("external-entity-file.xml", "DOCTYPE");
        CASES.put("external-entity-http.xml", "DOCTYPE");
        CASES.put("external-dtd.xml", "DOCTYPE");
        CASES.put("xinclude.xml", "breaks its XSD");
        CASES.put("invalid-utf8.xml", "invalid bytes");
        CASES.put("bom-encoding-mismatch.xml", "byte order mark");
        CASES.put("processing-instruction.xml", "processing instruction");
        CASES.put("namespace-spoof.xml", "the Event element");   // its foreign-namespace attribute is caught first
        CASES.put("two-payloads.xml", "more than one payload");
        CASES.put("unknown-namespace.xml", "unknown event type");
        CASES.put("big-document.xml", "more than the limit");
        CASES.put("deep-nesting.xml", "breaks its XSD");   // refused at depth 3; the depth limit itself: SchemaSetTest
        CASES.put("million-attributes.xml", "more than the limit");
        CASES.put("many-attributes.xml", "attributes");
        CASES.put("oversize-attribute.xml", "characters long");
    }

    @TempDir
    static Path corpus;

    @BeforeAll
    static void assemble() throws Exception {
        Path committed = Path.of("src/test/resources/hostile");
        for (String name : CASES.keySet()) {
            if (Files.exists(committed.resolve(name))) {
                Files.copy(committed.resolve(name), corpus.resolve(name));
            }
        }
        String head = "<Event xmlns=\"http://www.gonicus.de/Events\"><PhoneStatus><CallerId>";
        String tail = "</CallerId><ReceiverId>2</ReceiverId><Status>busy</Status></PhoneStatus></Event>\n";
        try (BufferedWriter w = Files.newBufferedWriter(corpus.resolve("big-document.xml"))) {
            w.write(head);
            String chunk = "x".repeat(1024);
            for (int i = 0; i < 50 * 1024; i++) {
                w.write(chunk);
            }
            w.write(tail);
        }
        Files.writeString(corpus.resolve("deep-nesting.xml"), "<Event xmlns=\"http://www.gonicus.de/Events\"><PhoneStatus>"
                + "<a>".repeat(10_000) + "</a>".repeat(10_000) + "</PhoneStatus></Event>\n");
        try (BufferedWriter w = Files.newBufferedWriter(corpus.resolve("million-attributes.xml"))) {
            w.write("<Event xmlns=\"http://www.gonicus.de/Events\"><PhoneStatus");
            for (int i = 0; i < 1_000_000; i++) {
                w.write(" a" + i + "=\"1\"");
            }
            w.write(">" + tail.substring(tail.indexOf("</CallerId>") + "</CallerId>".length()).replaceFirst("^", "<CallerId>1</CallerId>"));
        }
        StringBuilder many = new StringBuilder("<Event xmlns=\"http://www.gonicus.de/Events\"><PhoneStatus");
        for (int i = 0; i < 20_000; i++) {
            many.append(" a").append(i).append("=\"1\"");
        }
        Files.writeString(corpus.resolve("many-attributes.xml"), many + "><CallerId>1</CallerId><ReceiverId>2</ReceiverId>"
                + "<Status>busy</Status></PhoneStatus></Event>\n");
        Files.writeString(corpus.resolve("oversize-attribute.xml"), "<Event xmlns=\"http://www.gonicus.de/Events\"><PhoneStatus kind=\""
                + "y".repeat(100_000) + "\"><CallerId>1</CallerId><ReceiverId>2</ReceiverId><Status>busy</Status></PhoneStatus></Event>\n");
        assertTrue(Files.size(corpus.resolve("big-document.xml")) > 50_000_000);
        assertTrue(Files.size(corpus.resolve("many-attributes.xml")) < 1 << 20, "under the size limit, so the parser's own limit acts");
    }

    @Test
    void sendeventRefusesEveryCaseWithExit65InASmallHeap(URI broker) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (var c : CASES.entrySet()) {
            Path file = corpus.resolve(c.getKey());
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    SendEvent.class.getName(), "--broker", broker.toString(), file.toString());
            pb.redirectErrorStream(true);
            long start = System.nanoTime();
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(c.getKey() + ": sendevent did not finish within 60 s");
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(65, p.exitValue(), c.getKey() + ": " + output);
            assertTrue(output.contains(c.getValue()), c.getKey() + " should say '" + c.getValue() + "': " + output);
            assertTrue(output.contains(file.toString()), c.getKey() + ": the message names the file: " + output);
            assertTrue(!output.contains("OutOfMemoryError") && !output.contains("\tat "), c.getKey() + ": " + output);
            assertTrue(seconds < 30, c.getKey() + " took " + seconds + " s");
        }
    }

    @Test
    void aRunningConsumerDeadLettersEveryCaseAndGoesOn(URI broker, @TempDir Path noSchemas) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ListenEvents.Running daemon = ListenEvents.start(new String[] {"--broker", broker.toString(), "--shared", "hostile",
                "--schemas", "+" + noSchemas, "--format", "ndjson", "--status-interval", "0",
                "--query", "declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus[starts-with(f:CallerId, 'after-')]/f:CallerId/string()"},
                Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        await("listening", () -> err.toString().contains("listening on "));
        Connection c = new JmsConnectionFactory(broker).createConnection();
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createTopic("xqbus.events.PhoneStatus"));
            for (String name : CASES.keySet()) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(Files.readAllBytes(corpus.resolve(name)));
                m.setStringProperty("case", name);
                producer.send(m);
                producer.send(s.createTextMessage("<PhoneStatus xmlns='http://www.gonicus.de/Events'><CallerId>after-" + name
                        + "</CallerId><ReceiverId>2</ReceiverId><Status>busy</Status></PhoneStatus>"));
                await("the good event after " + name, () -> out.toString().contains("after-" + name));
            }
        } finally {
            c.close();
        }
        assertEquals(0, daemon.stop());
        assertTrue(err.toString().contains("rejected=" + CASES.size()) && err.toString().contains("dead-lettered=" + CASES.size()), err.toString());

        List<String> reasons = new ArrayList<>();
        Connection d = new JmsConnectionFactory(broker).createConnection();
        try {
            d.start();
            Session s = d.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = s.createConsumer(s.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
            for (String name : CASES.keySet()) {
                Message m = consumer.receive(20_000);
                assertNotNull(m, "no dead letter for " + name);
                String reason = m.getStringProperty(SubscriptionOptions.PROP_DL_REASON);
                reasons.add(reason);
                assertTrue(reason.contains(CASES.get(name)), name + " dead-lettered as: " + reason);
                if (m instanceof BytesMessage b) {
                    assertTrue(b.getBodyLength() <= 1 << 20, name + ": a huge body is kept only up to the limit");
                }
            }
        } finally {
            d.close();
        }
        assertEquals(CASES.size(), reasons.size());
    }

    static void await(String what, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000);   // poll interval, bounded by the deadline
        }
    }
}
