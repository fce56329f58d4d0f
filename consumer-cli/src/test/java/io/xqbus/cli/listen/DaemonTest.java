package io.xqbus.cli.listen;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Filter;
import io.xqbus.PreparedEvent;
import io.xqbus.Receipt;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;
import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.broker.PersistentBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** listenevents as a daemon against a persistent embedded broker: durable groups, crashes, sharing, dead letters, restarts. */
@ExtendWith(EmbeddedBrokerExtension.class)
@PersistentBroker
class DaemonTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\".*\"producer\":\"([^\"]+)\",\"seq\":(\\d+)");
    static XqBus producer;
    static String broker;

    @BeforeAll
    static void connect(URI uri) throws Exception {
        broker = uri.toString();
        producer = XqBus.connect(BusOptions.builder().broker(uri).reconnect(true).source("daemon-test").build());
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    static String query(String prefix) {
        return F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, '" + prefix + "')]";
    }

    /** Publishes n events with callers prefix0…, sending asynchronously and waiting once. */
    static List<Receipt> publish(String prefix, int from, int to) throws Exception {
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            PreparedEvent e = PreparedEvent.prepare(EventBuilder.of("http://www.gonicus.de/Events", "PhoneStatus")
                    .add("CallerId", prefix + i).add("ReceiverId", "1").add("Status", "busy").toXml("http://www.gonicus.de/Events"),
                    "test", producer.schemas(), producer.options().limits());
            sent.add(producer.publishAsync(e));
        }
        List<Receipt> receipts = new ArrayList<>();
        for (CompletableFuture<Receipt> f : sent) {
            receipts.add(f.get(60, TimeUnit.SECONDS));
        }
        return receipts;
    }

    static void await(String what, long seconds, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            LockSupport.parkNanos(20_000_000);   // poll interval, bounded by the deadline
        }
    }

    static List<String[]> records(String ndjson) {
        List<String[]> out = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            Matcher m = ID.matcher(line);
            if (m.find()) {
                out.add(new String[] {m.group(1), m.group(2), m.group(3)});
            }
        }
        return out;
    }

    static ListenEvents.Running start(StringWriter out, StringWriter err, String... args) {
        ListenEvents.Running r = ListenEvents.start(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        await("the listening line", 30, () -> err.toString().contains("listening on ") || r.exit().isDone());
        assertTrue(err.toString().contains("listening on "), err.toString());
        return r;
    }

    @Test
    void tenThousandEventsPublishedWhileTheDurableDaemonIsStoppedAllArriveOnce() throws Exception {
        // the group exists once a member ran; then the member stops
        StringWriter out0 = new StringWriter();
        StringWriter err0 = new StringWriter();
        assertEquals(0, start(out0, err0, "--broker", broker, "--durable", "tenk", "--format", "ndjson", "--query", query("tenk-")).stop());
        publish("tenk-", 0, 10_000);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ListenEvents.Running r = start(out, err, "--broker", broker, "--durable", "tenk", "--format", "ndjson",
                "--status-interval", "0", "--query", query("tenk-"));
        await("10,000 events", 180, () -> records(out.toString()).size() >= 10_000);
        assertEquals(0, r.stop(), err.toString());
        List<String[]> got = records(out.toString());
        Set<String> ids = new HashSet<>();
        for (String[] g : got) {
            assertTrue(ids.add(g[0]), "delivered twice: " + g[0]);
        }
        assertEquals(10_000, ids.size());
        assertTrue(err.toString().contains("stopped; received=10000"), err.toString());
        XqBus cleanup = XqBus.connect(BusOptions.builder().broker(broker).build());
        cleanup.unsubscribe("tenk");
        cleanup.close();
    }

    @Test
    void aKilledDaemonLosesNothingAndDuplicatesAreDetectable(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.ndjson");
        Path second = dir.resolve("second.ndjson");
        Process p = daemonProcess(first, dir.resolve("first.err"), "kill");
        awaitFile(dir.resolve("first.err"), "listening on ");
        int total = 3000;
        publish("kill-", 0, total);
        await("some events handled before the kill", 60, () -> lines(first) >= 300);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL: no clean stop
        Process q = daemonProcess(second, dir.resolve("second.err"), "kill");
        try {
            await("every event at least once", 120, () -> {
                Set<String> ids = new HashSet<>();
                records(read(first)).forEach(r -> ids.add(r[0]));
                records(read(second)).forEach(r -> ids.add(r[0]));
                return ids.size() >= total;
            });
        } finally {
            q.destroy();
            q.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, String> seqById = new HashMap<>();
        int duplicates = 0;
        for (Path f : List.of(first, second)) {
            for (String[] r : records(read(f))) {
                String producerSeq = r[1] + "/" + r[2];
                String earlier = seqById.putIfAbsent(r[0], producerSeq);
                if (earlier != null) {
                    duplicates++;
                    assertEquals(earlier, producerSeq, "a duplicate carries the same producer and seq");
                }
            }
        }
        assertEquals(total, seqById.size());
        System.out.println("killed daemon: " + duplicates + " duplicate(s) after the restart, 0 lost");
        assertEquals(0, q.exitValue(), "SIGTERM is a clean stop with exit 0: " + read(dir.resolve("second.err")));
        XqBus cleanup = XqBus.connect(BusOptions.builder().broker(broker).build());
        cleanup.unsubscribe("kill");
        cleanup.close();
    }

    static Process daemonProcess(Path out, Path err, String group) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ListenEvents.class.getName(), "--broker", broker, "--durable", group, "--format", "ndjson",
                "--query", query("kill-"));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return pb.start();
    }

    static void awaitFile(Path file, String text) {
        await(text + " in " + file, 60, () -> read(file).contains(text));
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "";
        }
    }

    static long lines(Path file) {
        return read(file).lines().count();
    }

    @Test
    void twoSharedDaemonsSplitAStreamWithNothingLostAndNothingTwice() throws Exception {
        StringWriter outA = new StringWriter();
        StringWriter outB = new StringWriter();
        ListenEvents.Running a = start(outA, new StringWriter(), "--broker", broker, "--shared", "pair", "--format", "ndjson", "--query", query("pair-"));
        ListenEvents.Running b = start(outB, new StringWriter(), "--broker", broker, "--shared", "pair", "--format", "ndjson", "--query", query("pair-"));
        publish("pair-", 0, 1000);
        await("1,000 events between the two", 60, () -> records(outA.toString()).size() + records(outB.toString()).size() >= 1000);
        assertEquals(0, a.stop());
        assertEquals(0, b.stop());
        Set<String> ids = new HashSet<>();
        List<String[]> ra = records(outA.toString());
        List<String[]> rb = records(outB.toString());
        ra.forEach(r -> assertTrue(ids.add(r[0]), "twice: " + r[0]));
        rb.forEach(r -> assertTrue(ids.add(r[0]), "delivered to both: " + r[0]));
        assertEquals(1000, ids.size());
        assertTrue(!ra.isEmpty() && !rb.isEmpty(), "both members got events: " + ra.size() + "/" + rb.size());
    }

    @Test
    void aPoisonMessageAndAFailingActionAreDeadLetteredWhileTheNextGoodEventIsProcessed(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("handled.log");
        Path config = Files.writeString(dir.resolve("daemon.conf"), """
                # one filter whose command fails for 'dlq-fail', one that appends everything else
                [filter flaky]
                query = declare namespace f='http://www.gonicus.de/Events';
                        /f:Event/f:PhoneStatus[f:CallerId = 'dlq-fail']
                action = exec echo "cannot handle $XQBUS_ID" >&2; exit 3

                [filter log]
                query-file = log.xq
                action = append handled.log
                """);
        Files.writeString(dir.resolve("log.xq"), F + "/f:Event/f:PhoneStatus[f:CallerId = 'dlq-good']/f:CallerId/string()");
        StringWriter err = new StringWriter();
        ListenEvents.Running r = start(new StringWriter(), err, "--broker", broker, "--shared", "dlq", "--attempts", "2",
                "--config", config.toString());
        Connection c = new JmsConnectionFactory(broker).createConnection();
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createTopic("xqbus.events.PhoneStatus")).send(s.createTextMessage("<Event><not-closed></Event>"));
        } finally {
            c.close();
        }
        producer.publish(EventBuilder.of("PhoneStatus").add("CallerId", "dlq-fail").add("ReceiverId", "1").add("Status", "busy"));
        producer.publish(EventBuilder.of("PhoneStatus").add("CallerId", "dlq-good").add("ReceiverId", "1").add("Status", "busy"));
        await("the good event appended", 60, () -> read(log).contains("dlq-good"));
        assertEquals(0, r.stop());
        String status = err.toString();
        assertTrue(status.contains("dead-lettered=2") && status.contains("rejected=1"), status);

        List<Message> dead = deadLetters(2);
        String reasons = dead.get(0).getStringProperty(SubscriptionOptions.PROP_DL_REASON) + " | "
                + dead.get(1).getStringProperty(SubscriptionOptions.PROP_DL_REASON);
        assertTrue(reasons.contains("not an acceptable event"), reasons);
        assertTrue(reasons.contains("exited with 3"), reasons);
        assertTrue(dead.stream().anyMatch(m -> {
            try {
                return "flaky".equals(m.getStringProperty(SubscriptionOptions.PROP_DL_FILTER))
                        && "xqbus.events.PhoneStatus".equals(m.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS));
            } catch (Exception e) {
                return false;
            }
        }));
    }

    static List<Message> deadLetters(int n) throws Exception {
        Connection c = new JmsConnectionFactory(broker).createConnection();
        try {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = s.createConsumer(s.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
            List<Message> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Message m = consumer.receive(20_000);
                assertNotNull(m, "dead letter " + (i + 1) + " of " + n + " missing");
                out.add(m);
            }
            return out;
        } finally {
            c.close();
        }
    }

    @Test
    void theDaemonReconnectsAfterABrokerRestartAndGoesOn(EmbeddedBroker embedded) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ListenEvents.Running r = start(out, err, "--broker", broker, "--durable", "restart", "--format", "ndjson", "--query", query("restart-"));
        publish("restart-", 0, 100);
        await("the first 100", 60, () -> records(out.toString()).size() >= 100);
        embedded.stop();
        embedded.start();
        publish("restart-", 100, 200);
        await("all 200 after the restart", 120, () -> {
            Set<String> ids = new HashSet<>();
            records(out.toString()).forEach(x -> ids.add(x[0]));
            return ids.size() >= 200;
        });
        assertEquals(0, r.stop());
        assertTrue(err.toString().contains("reconnects=1"), err.toString());
        XqBus cleanup = XqBus.connect(BusOptions.builder().broker(broker).build());
        cleanup.unsubscribe("restart");
        cleanup.close();
    }

    @Test
    void execGetsTheEventOnStdinAndTheEnvelopeInTheEnvironment(@TempDir Path dir) throws Exception {
        Path seen = dir.resolve("seen.txt");
        Path config = Files.writeString(dir.resolve("exec.conf"), "[filter run]\nquery = " + query("exec-").replace("\n", " ")
                + "\naction = exec printf '%s %s %s\\n' \"$XQBUS_TYPE\" \"$XQBUS_FILTER\" \"$XQBUS_SOURCE\" >> '" + seen
                + "'; cat >> '" + seen + "'\ntimeout = 10s\n");
        ListenEvents.Running r = start(new StringWriter(), new StringWriter(), "--broker", broker, "--config", config.toString());
        producer.publish(EventBuilder.of("PhoneStatus").add("CallerId", "exec-1").add("ReceiverId", "1").add("Status", "x;$(rm -rf /)"));
        await("the command ran", 30, () -> read(seen).contains("</Event>"));
        assertEquals(0, r.stop());
        String text = read(seen);
        assertTrue(text.startsWith("PhoneStatus run daemon-test\n"), text);
        assertTrue(text.contains("<Status>x;$(rm -rf /)</Status>"), "event data reaches the command only on stdin: " + text);
    }
}
