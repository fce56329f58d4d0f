package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.Match;
import io.xqbus.Subscription;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real sendevent command, in process with captured streams, against the embedded broker. */
@ExtendWith(EmbeddedBrokerExtension.class)
class SendEventTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final String GOOD = "<Event xmlns='" + NS + "'><PhoneStatus><CallerId>%s</CallerId>"
            + "<ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>";

    static XqBus listener;
    static Subscription subscription;
    static final LinkedBlockingQueue<Match> received = new LinkedBlockingQueue<>();
    static String broker;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void listen(URI uri) throws Exception {
        broker = uri.toString();
        listener = XqBus.connect(BusOptions.builder().broker(uri).build());
        subscription = listener.subscribe("declare namespace f='" + NS + "'; /f:Event/f:PhoneStatus", received::add);
    }

    @AfterAll
    static void close() {
        listener.close();
    }

    static Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(args, Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(String... args) {
        return runWithStdin("", args);
    }

    static Match next() throws InterruptedException {
        Match m = received.poll(20, TimeUnit.SECONDS);
        assertNotNull(m, "the event did not arrive within 20 s");
        return m;
    }

    @Test
    void aGoodEventFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("event.xml"), GOOD.formatted("from-file"));
        Result r = run("--broker", broker, "--source", "cli-test", file.toString());
        assertEquals(0, r.code(), r.err());
        Match m = next();
        assertEquals("from-file", m.event().value("CallerId"));
        assertEquals("cli-test", m.event().source());
    }

    @Test
    void aGoodEventFromStdin() throws Exception {
        Result r = runWithStdin(GOOD.formatted("from-stdin"), "--broker", broker, "-");
        assertEquals(0, r.code(), r.err());
        assertEquals("from-stdin", next().event().value("CallerId"));
    }

    @Test
    void anEventBuiltFromKeyValuePairs() throws Exception {
        Result r = run("--broker", broker, "--type", "PhoneStatus", "CallerId=from-type", "ReceiverId=2", "Status=busy");
        assertEquals(0, r.code(), r.err());
        Match m = next();
        assertEquals("from-type", m.event().value("CallerId"));
        assertEquals("busy", m.event().value("Status"));
    }

    @Test
    void notWellFormedIs65WithLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.xml"), "<Event xmlns='" + NS + "'>\n  <PhoneStatus>\n</Event>");
        Result r = run("--broker", broker, file.toString());
        assertEquals(65, r.code());
        assertTrue(r.err().contains(file + ":3:"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void anXsdViolationIs65WithTheElementPath() {
        Result r = run("--broker", broker, "--type", "PhoneStatus", "CallerId=1", "Colour=red");
        assertEquals(65, r.code());
        assertTrue(r.err().contains("/Event/PhoneStatus/Colour"), r.err());
    }

    @Test
    void anUnknownTypeIs65AndNamesNearMatches() {
        Result r = run("--broker", broker, "--type", "PhoneStats", "CallerId=1");
        assertEquals(65, r.code());
        assertTrue(r.err().contains("PhoneStats") && r.err().contains("did you mean PhoneStatus"), r.err());
        assertTrue(r.err().contains("hint:"), r.err());
    }

    @Test
    void aMissingFileIs66(@TempDir Path dir) {
        Result r = run("--broker", broker, dir.resolve("nope.xml").toString());
        assertEquals(66, r.code());
        assertTrue(r.err().contains("nope.xml"), r.err());
    }

    @Test
    void aMissingSchemaDirectoryIs66(@TempDir Path dir) {
        Result r = run("--broker", broker, "--schemas", dir.resolve("none").toString(), "--type", "PhoneStatus", "A=b");
        assertEquals(66, r.code());
        assertTrue(r.err().contains("none"), r.err());
    }

    @Test
    void anUnreachableBrokerIs69FastAndNamesTheUri() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String uri = "amqp://127.0.0.1:" + port;
        long start = System.nanoTime();
        Result r = run("--broker", uri, "--type", "PhoneStatus", "CallerId=1", "ReceiverId=2", "Status=busy");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(69, r.code(), r.err());
        assertTrue(r.err().contains(uri), r.err());
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    @Test
    void validateOnlySendsNothingAndNeedsNoBroker(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("event.xml"), GOOD.formatted("validate-only"));
        Result r = run("--broker", "amqp://127.0.0.1:1", "--validate-only", file.toString());
        assertEquals(0, r.code(), r.err());
        Result marker = run("--broker", broker, "--type", "PhoneStatus", "CallerId=after-validate-only", "ReceiverId=2", "Status=busy");
        assertEquals(0, marker.code(), marker.err());
        assertEquals("after-validate-only", next().event().value("CallerId"), "--validate-only must not have sent");
    }

    @Test
    void usageErrorsAre2() {
        assertEquals(2, run("--no-such-option").code());
        Result r = run("--type", "PhoneStatus", "not-a-pair");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not-a-pair"), r.err());
        assertEquals(2, run("a.xml", "b.xml").code());
    }

    @Test
    void listTypesShowsDocumentation() {
        Result r = run("--list-types");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PhoneStatus") && r.out().contains("phone line"), r.out());
        Result one = run("--type", "PhoneStatus");
        assertEquals(0, one.code());
        assertTrue(one.out().startsWith("PhoneStatus"), one.out());
    }
}
