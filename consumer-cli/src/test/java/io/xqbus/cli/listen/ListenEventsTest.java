package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The real listenevents command, in process with captured streams, against the embedded broker. */
@ExtendWith(EmbeddedBrokerExtension.class)
class ListenEventsTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static XqBus producer;
    static String broker;

    @BeforeAll
    static void connect(URI uri) throws Exception {
        broker = uri.toString();
        producer = XqBus.connect(BusOptions.builder().broker(uri).source("listen-test").build());
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    /** A listenevents run in the background, with its streams captured. */
    static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit;

        Running(String... args) {
            exit = CompletableFuture.supplyAsync(() -> ListenEvents.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)));
        }

        Running awaitListening() {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains("listening on ")) {
                if (exit.isDone() || System.nanoTime() > end) {
                    fail("listenevents did not start listening: " + err);
                }
                LockSupport.parkNanos(10_000_000);  // poll interval, bounded by the deadline
            }
            return this;
        }

        int exitCode() throws Exception {
            return exit.get(30, TimeUnit.SECONDS);
        }
    }

    static void phone(String caller, String status) throws Exception {
        producer.publish(EventBuilder.of("PhoneStatus").add("CallerId", caller).add("ReceiverId", "1").add("Status", status));
    }

    @Test
    void printsEachMatchOnOneLineAndStopsAtCount() throws Exception {
        Running r = new Running("--broker", broker, "--count", "2", "--timeout", "30s",
                "--query", F + "/f:Event/f:PhoneStatus[f:CallerId = 'count'][f:Status = 'busy']").awaitListening();
        assertTrue(r.err.toString().contains("listening on xqbus.events.PhoneStatus, xqbus.events (1 filter)"),
                "a filter that names its type attaches to that type's address and the bare prefix: " + r.err);
        phone("count", "idle");
        phone("count", "busy");
        phone("count", "busy");
        phone("count", "busy");
        assertEquals(0, r.exitCode(), r.err.toString());
        String[] lines = r.out.toString().split("\n");
        assertEquals(2, lines.length, r.out.toString());
        assertTrue(lines[0].startsWith("<PhoneStatus xmlns=\"http://www.gonicus.de/Events\"><CallerId>count</CallerId>"), lines[0]);
    }

    @Test
    void ndjsonCarriesTheEnvelopeAndTheFilter(@TempDir Path dir) throws Exception {
        Path query = Files.writeString(dir.resolve("busy.xq"), F + "/f:Event/f:PhoneStatus[f:CallerId = 'json']/f:Status/string()");
        Running r = new Running("--broker", broker, "--count", "1", "--timeout", "30s", "--format", "ndjson",
                "--query-file", query.toString()).awaitListening();
        phone("json", "busy");
        assertEquals(0, r.exitCode(), r.err.toString());
        String line = r.out.toString().trim();
        assertTrue(line.startsWith("{\"id\":\""), line);
        assertTrue(line.contains("\"type\":\"PhoneStatus\""), line);
        assertTrue(line.contains("\"source\":\"listen-test\""), line);
        assertTrue(line.contains("\"filter\":\"busy\""), line);
        assertTrue(line.endsWith("\"result\":\"busy\"}"), line);
    }

    @Test
    void timeoutBeforeCountIs75() throws Exception {
        Running r = new Running("--broker", broker, "--count", "1", "--timeout", "500ms", "--query", F + "/f:Event/f:NeverSent");
        assertEquals(75, r.exitCode(), r.err.toString());
    }

    @Test
    void timeoutWithoutCountIs0() throws Exception {
        Running r = new Running("--broker", broker, "--timeout", "300ms", "--query", "true()");
        assertEquals(0, r.exitCode(), r.err.toString());
    }

    @Test
    void aBrokenQueryIs65WithLineAndColumn() throws Exception {
        Running r = new Running("--broker", broker, "--query", F + "\n/f:Event[");
        assertEquals(65, r.exitCode());
        assertTrue(r.err.toString().contains(":2:") && r.err.toString().contains("XPST0003"), r.err.toString());
    }

    @Test
    void aMissingQueryFileIs66(@TempDir Path dir) throws Exception {
        assertEquals(66, new Running("--broker", broker, "--query-file", dir.resolve("none.xq").toString()).exitCode());
    }

    @Test
    void anUnreachableBrokerIs69() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Running r = new Running("--broker", "amqp://127.0.0.1:" + port, "--timeout", "30s", "--query", "true()");
        assertEquals(69, r.exitCode());
        assertTrue(r.err.toString().contains("127.0.0.1:" + port), r.err.toString());
    }

    @Test
    void aConfigFileWithAnUnknownKeyIs78WithItsLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("daemon.conf"), "[filter a]\nquery = true()\ncolour = red\n");
        Running r = new Running("--broker", broker, "--config", config.toString());
        assertEquals(78, r.exitCode());
        assertTrue(r.err.toString().contains(config + ":3: unknown key 'colour'"), r.err.toString());
    }

    @Test
    void aBrokenQueryInTheConfigFileIs65WithItsLineInTheFile(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("daemon.conf"),
                "# alerts\n[filter ok]\nquery = true()\n\n[filter broken]\nquery = declare namespace f='x';\n    /f:Event[\n");
        Running r = new Running("--broker", broker, "--config", config.toString());
        assertEquals(65, r.exitCode());
        assertTrue(r.err.toString().contains(config + ":7:") && r.err.toString().contains("XPST0003"), r.err.toString());
    }

    @Test
    void noQueryIsAUsageError() throws Exception {
        assertEquals(2, new Running("--broker", broker).exitCode());
    }
}
