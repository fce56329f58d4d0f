package io.xqbus.cli.listen;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** listenevents against what issue 22 found: hostile queries, events and commands (the real command, over TCP). */
@ExtendWith(EmbeddedBrokerExtension.class)
class ListenEventsHolesTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static String broker;
    static XqBus producer;

    @BeforeAll
    static void connect(URI uri) throws Exception {
        broker = uri.toString();
        producer = XqBus.connect(BusOptions.builder().broker(uri).source("holes-test").build());
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    /** A PuppetReport of about 120 KB in UTF-8: more than a pipe buffer. */
    static String bigEvent(String id) {
        return "<PuppetReport xmlns='http://www.gonicus.de/Events'><Id>" + id + "</Id><PuppetLog><Timestamp>1</Timestamp>"
                + "<Level>info</Level><Message>" + "\u00e9".repeat(60_000) + "</Message></PuppetLog></PuppetReport>";
    }

    static boolean sleeping45() {
        return ProcessHandle.current().descendants().anyMatch(h -> h.info().commandLine().orElse("").matches(".*sleep 45.*"));
    }

    @Test
    void anExecTimeoutHoldsWhenTheCommandDoesNotReadABigEvent(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("exec.conf"), "[filter big]\nquery = " + F + "/f:Event/f:PuppetReport[f:Id = 'exec-big']"
                + "\naction = exec sleep 45\ntimeout = 2s\n\n[filter after]\nquery = " + F
                + "/f:Event/f:PhoneStatus[f:CallerId = 'after-big']\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ListenEvents.Running r = DaemonTest.start(out, err, "--broker", broker, "--config", config.toString(), "--status-interval", "0");
        assertTrue(bigEvent("exec-big").getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65_536);
        long start = System.nanoTime();
        producer.publish(bigEvent("exec-big"));
        producer.publish(EventBuilder.of("PhoneStatus").add("CallerId", "after-big").add("ReceiverId", "1").add("Status", "busy"));
        // one delivery thread: the next event is printed only once the exec action ended
        try {
            DaemonTest.await("the event after the big one", 20, () -> out.toString().contains("after-big"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; stderr: " + err, e);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 15, "the 2 s time limit held, not the command's 45 s: " + seconds + " s");
        DaemonTest.await("the command killed", 10, () -> !sleeping45());
        assertEquals(0, r.stop(), err.toString());
    }

    @Test
    void aQueryNested20000DeepIs65WithOneLine() throws Exception {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        ListenEventsTest.Running r = new ListenEventsTest.Running("--broker", broker, "--count", "1", "--timeout", "10s", "--query", deep);
        assertEquals(65, r.exitCode(), r.err.toString());
        String[] lines = r.err.toString().split("\n");
        assertEquals(1, lines.length, r.err.toString());
        assertEquals("listenevents: <query query1>: the query is nested too deeply to compile", lines[0]);
        assertFalse(r.err.toString().contains("StackOverflowError"));
    }

    /** Sends a body as a foreign producer would: straight over JMS, not through the bus's publish. */
    static void sendForeign(String address, String body) throws Exception {
        jakarta.jms.Connection c = new org.apache.qpid.jms.JmsConnectionFactory(broker).createConnection();
        try {
            jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createTopic(address)).send(session.createTextMessage(body));
        } finally {
            c.close();
        }
    }

    static final String ESCAPES = "<?xml version='1.1'?><Event xmlns='http://www.gonicus.de/Events' id='esc-&#x9B;1'><PhoneStatus>"
            + "<CallerId>escapes</CallerId><ReceiverId>1</ReceiverId><Status>&#x1B;[2J&#x1B;]0;owned&#x7;&#x85;&#x9B;31m</Status>"
            + "</PhoneStatus></Event>";

    static void assertNoControls(String text) {
        for (char c : text.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f, "a raw control character U+" + Integer.toHexString(c) + " in: " + text);
        }
    }

    @Test
    void xmlOutputEscapesControlCharactersOfAnXml11Event(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("append.log");
        Path config = Files.writeString(dir.resolve("esc.conf"), "[filter esc]\nquery = " + F
                + "/f:Event/f:PhoneStatus[f:CallerId = 'escapes']\naction = append " + log + "\n\n[filter print]\nquery = " + F
                + "/f:Event/f:PhoneStatus[f:CallerId = 'escapes']/f:Status/string()\n");
        ListenEventsTest.Running r = new ListenEventsTest.Running("--broker", broker, "--count", "2", "--timeout", "30s",
                "--config", config.toString()).awaitListening();
        sendForeign("xqbus.events.PhoneStatus", ESCAPES);
        assertEquals(0, r.exitCode(), r.err.toString());
        String out = r.out.toString();
        assertNoControls(out);
        assertEquals("&#27;[2J&#27;]0;owned&#7;&#133;&#155;31m\n", out, "an atomic result, escaped as character references");
        String appended = Files.readString(log);
        assertNoControls(appended);
        // a node result is serialised by Saxon, which writes the references in hex
        assertTrue(appended.contains("<Status>&#x1b;[2J&#x1b;]0;owned&#x7;&#x85;&#x9b;31m</Status>"), appended);
    }

    @Test
    void ndjsonOutputEscapesControlsToo() throws Exception {
        ListenEventsTest.Running r = new ListenEventsTest.Running("--broker", broker, "--count", "1", "--timeout", "30s", "--format", "ndjson",
                "--query", F + "/f:Event/f:PhoneStatus[f:CallerId = 'escapes']/f:Status/string()").awaitListening();
        sendForeign("xqbus.events.PhoneStatus", ESCAPES);
        assertEquals(0, r.exitCode(), r.err.toString());
        assertNoControls(r.out.toString());
        assertTrue(r.out.toString().startsWith("{\"id\":\"esc-\\u009b1\""), "envelope fields in JSON escapes: " + r.out);
        assertTrue(r.out.toString().contains("\"result\":\"&#27;[2J&#27;]0;owned&#7;&#133;&#155;31m\""),
                "the result as in xml output: " + r.out);
    }
}
