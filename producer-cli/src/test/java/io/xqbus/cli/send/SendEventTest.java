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
import java.util.List;
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
    void aStreamOfAThousandEventsOnStdinArrivesCompleteAndInOrder() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            in.append(i % 3 == 0 ? "<?xml version='1.0' encoding='UTF-8'?>\n" : "").append(GOOD.formatted("stream-" + i)).append("\n");
        }
        Result r = runWithStdin(in.toString(), "--broker", broker, "-");
        assertEquals(0, r.code(), r.err());
        Long previousSeq = null;
        for (int i = 0; i < 1000; i++) {
            Match m = next();
            assertEquals("stream-" + i, m.event().value("CallerId"));
            if (previousSeq != null) {
                assertEquals(previousSeq + 1, m.event().seq());
            }
            previousSeq = m.event().seq();
        }
    }

    @Test
    void aFileWithOneBadEventAmongManySendsNothingAndNamesThePosition(@TempDir Path dir) throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            in.append(i == 13 ? GOOD.formatted("bad").replace("<Status>busy</Status>", "<Colour>red</Colour>") : GOOD.formatted("many-" + i))
                    .append("\n");
        }
        Path file = Files.writeString(dir.resolve("many.xml"), in.toString());
        Result r = run("--broker", broker, file.toString());
        assertEquals(65, r.code(), r.err());
        assertTrue(r.err().contains(file + ":13:"), r.err());
        assertTrue(r.err().contains("[event 13]") && r.err().contains("/Event/PhoneStatus/Colour"), r.err());
        assertTrue(r.err().contains("nothing sent: 1 of 20 events are invalid"), r.err());
        Result marker = run("--broker", broker, "--type", "PhoneStatus", "CallerId=after-bad-file", "ReceiverId=2", "Status=busy");
        assertEquals(0, marker.code(), marker.err());
        assertEquals("after-bad-file", next().event().value("CallerId"), "no event of the bad file may have been sent");
    }

    @Test
    void aGoodFileWithManyEventsIsSentWhole(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("three.xml"), GOOD.formatted("f1") + "\n<!-- between -->\n" + GOOD.formatted("f2") + GOOD.formatted("f3"));
        Result r = run("--broker", broker, "-v", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("sent 3 events"), r.err());
        assertEquals(List.of("f1", "f2", "f3"), List.of(next().event().value("CallerId"), next().event().value("CallerId"), next().event().value("CallerId")));
    }

    @Test
    void stdinStopsAtTheFirstInvalidEventAndSaysHowManyWereSent() throws Exception {
        String in = GOOD.formatted("s1") + GOOD.formatted("s2") + "\n<Event xmlns='" + NS + "'><PhoneStatus></Event>\n" + GOOD.formatted("s4");
        Result r = runWithStdin(in, "--broker", broker, "-");
        assertEquals(65, r.code(), r.err());
        assertTrue(r.err().contains("<stdin>:2:"), r.err());
        assertTrue(r.err().contains("stopped at event 3; 2 events were sent before it"), r.err());
        assertEquals("s1", next().event().value("CallerId"));
        assertEquals("s2", next().event().value("CallerId"));
        Result marker = run("--broker", broker, "--type", "PhoneStatus", "CallerId=after-stdin", "ReceiverId=2", "Status=busy");
        assertEquals(0, marker.code());
        assertEquals("after-stdin", next().event().value("CallerId"), "s4 must not have been sent");
    }

    @Test
    void commandLineBeatsEnvironmentBeatsConfigFile(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("xqbus.properties"), "# test\nbroker = amqp://127.0.0.1:1\nsource = from-file\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("XQBUS_CONFIG", config.toString()));
        String[] args = {"--type", "PhoneStatus", "CallerId=precedence", "ReceiverId=2", "Status=busy"};
        assertEquals(69, runEnv(env, args).code(), "the file's unreachable broker is used");
        env.put("XQBUS_BROKER", broker);
        assertEquals(0, runEnv(env, args).code(), "the environment beats the file");
        assertEquals("from-file", next().event().source());
        env.put("XQBUS_BROKER", "amqp://127.0.0.1:1");
        String[] withBroker = {"--broker", broker, "--source", "from-cli", "--type", "PhoneStatus", "CallerId=p", "ReceiverId=2", "Status=busy"};
        assertEquals(0, runEnv(env, withBroker).code(), "the command line beats the environment");
        assertEquals("from-cli", next().event().source());
    }

    @Test
    void aBadConfigFileIs78WithItsLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("xqbus.properties"), "broker = amqp://x\ncolour = red\n");
        Result r = runEnv(Map.of("XQBUS_CONFIG", config.toString()), "--type", "PhoneStatus", "CallerId=1");
        assertEquals(78, r.code());
        assertTrue(r.err().contains(config + ":2: unknown key 'colour'"), r.err());
    }

    @Test
    void aNamedProfileChoosesTheConnection(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("xqbus.properties"), "broker = amqp://127.0.0.1:1\n"
                + "profile.test.broker = " + broker + "\nprofile.test.source = from-profile\n");
        String[] args = {"--type", "PhoneStatus", "CallerId=profile", "ReceiverId=2", "Status=busy"};
        Map<String, String> env = Map.of("XQBUS_CONFIG", config.toString());
        assertEquals(69, runEnv(env, args).code(), "without a profile, the plain key");
        String[] withProfile = {"--profile", "test", "--type", "PhoneStatus", "CallerId=profile", "ReceiverId=2", "Status=busy"};
        assertEquals(0, runEnv(env, withProfile).code());
        assertEquals("from-profile", next().event().source());
        assertEquals(0, runEnv(Map.of("XQBUS_CONFIG", config.toString(), "XQBUS_PROFILE", "test"), args).code());
        next();
        Result unknown = runEnv(env, "--profile", "nope", "--type", "PhoneStatus", "CallerId=1");
        assertEquals(78, unknown.code());
        assertTrue(unknown.err().contains("no profile 'nope'"), unknown.err());
    }

    static Result runEnv(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(args, env, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
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

    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();   // closed again: nothing listens there
        }
    }

    @Test
    void aFailoverListOfUnreachableBrokersIs69Fast() throws IOException {
        String uri = "failover:(amqp://127.0.0.1:" + deadPort() + ",amqp://127.0.0.1:" + deadPort() + ")";
        Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> run("--broker", uri, "--type", "PhoneStatus", "CallerId=failover", "ReceiverId=2", "Status=busy"),
                "a one-shot command fails fast whatever the URI form");
        assertEquals(69, r.code(), r.err());
        assertTrue(r.err().contains("failover:(amqp://127.0.0.1:"), "names the URI: " + r.err());
    }

    @Test
    void aFailoverListStillMovesOnToTheBrokerThatAnswers() throws Exception {
        String uri = "failover:(amqp://127.0.0.1:" + deadPort() + "," + broker + ")?failover.randomize=false";
        Result r = run("--broker", uri, "--type", "PhoneStatus", "CallerId=second-of-two", "ReceiverId=2", "Status=busy");
        assertEquals(0, r.code(), r.err());
        assertEquals("second-of-two", next().event().value("CallerId"));
    }

    @Test
    void aMisspeltBrokerUriOptionIs78NamingIt() throws IOException {
        String[] event = {"--type", "PhoneStatus", "CallerId=typo", "ReceiverId=2", "Status=busy"};
        for (String[] c : List.of(
                new String[] {broker + "?jms.prefetchPolicy.al=5", "jms.prefetchPolicy.al"},
                new String[] {broker + "?transport.conectTimeout=5", "transport.conectTimeout"},
                new String[] {broker + "?amqp.idleTimeot=5", "amqp.idleTimeot"},
                new String[] {"failover:(amqp://127.0.0.1:" + deadPort() + "?transport.tcpNoDelai=true)", "transport.tcpNoDelai"})) {
            List<String> args = new java.util.ArrayList<>(List.of("--broker", c[0]));
            args.addAll(List.of(event));
            Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> run(args.toArray(String[]::new)));
            assertEquals(78, r.code(), c[0] + ": " + r.err());
            assertTrue(r.err().contains(c[1]) && r.err().contains("does not know"), r.err());
            assertFalse(r.err().contains("bin/xqbus-broker"), "no hint to start a broker: " + r.err());
        }
    }
}
