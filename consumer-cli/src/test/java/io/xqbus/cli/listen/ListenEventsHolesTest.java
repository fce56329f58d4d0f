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
}
