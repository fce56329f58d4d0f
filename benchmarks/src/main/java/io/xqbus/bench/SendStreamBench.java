package io.xqbus.bench;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.EmbeddedBroker;
import io.xqbus.cli.send.SendEvent;

/**
 * Issue 4's figure: events per second of {@code sendevent} sending a stream of N events (a file: validated
 * whole, then asynchronous sends and one wait for every acknowledgement), against plain qpid-jms sending the
 * same N messages the same way (the enveloped bodies and application properties sendevent sends, the bus's
 * connection options, persistent, asynchronous with a completion listener, one wait at the end, one producer
 * per address) with no parsing or validation; the CPU time the process spent per event is printed too. Both run in this JVM against one embedded broker
 * with a subscriber draining {@code xqbus.events.#}, alternating, after a warm-up; the medians and their
 * ratio are printed.
 *
 * <p>Run: {@code bin/xqbus-bench send-stream [EVENTS] [ROUNDS] [WARMUP]} (defaults 10000, 5 and 8: the broker and
 * both clients keep getting faster for several rounds, so fewer warm-up rounds measure the JIT, not the code).
 */
public final class SendStreamBench {

    private SendStreamBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // the embedded broker and both clients keep getting faster for several rounds (JIT): warm up until steady
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path dir = Files.createTempDirectory("xqbus-bench-");
        Path file = dir.resolve("stream.xml");
        List<byte[]> docs = new ArrayList<>(events);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < events; i++) {
            String doc = Events.phoneStatus(i);
            docs.add(doc.getBytes(StandardCharsets.UTF_8));
            all.append(doc).append('\n');
        }
        Files.writeString(file, all);
        try (EmbeddedBroker broker = EmbeddedBroker.builder().build().start();
             Drain drain = new Drain(broker.uri().toString())) {
            String uri = broker.uri().toString();
            System.out.printf("send-stream: %d events of ~%d bytes per round, %d warm-up and %d measured rounds, %d cores, broker %s%n",
                    events, docs.get(0).length, warmups, rounds, Runtime.getRuntime().availableProcessors(), uri);
            for (int w = 0; w < warmups; w++) {   // not counted
                runSendevent(uri, file, drain, events);
                runPlain(uri, events, drain);
            }
            double[] bus = new double[rounds];
            double[] plain = new double[rounds];
            double[] busCpu = new double[rounds];
            double[] plainCpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long cpu = Wire.processCpuNanos();
                bus[r] = runSendevent(uri, file, drain, events);
                busCpu[r] = (Wire.processCpuNanos() - cpu) / 1e3 / events;
                cpu = Wire.processCpuNanos();
                plain[r] = runPlain(uri, events, drain);
                plainCpu[r] = (Wire.processCpuNanos() - cpu) / 1e3 / events;
                System.out.printf("  round %d: sendevent %,.0f events/s (%.0f µs CPU each), qpid-jms %,.0f events/s (%.0f µs CPU each)%n",
                        r + 1, bus[r], busCpu[r], plain[r], plainCpu[r]);
            }
            double b = median(bus);
            double p = median(plain);
            System.out.printf("send-stream: sendevent %,.0f events/s, plain qpid-jms %,.0f events/s, ratio %.2f (medians of %d rounds)%n",
                    b, p, b / p, rounds);
            System.out.printf("send-stream CPU per event (whole process, broker and drain included): sendevent %.0f µs, plain %.0f µs, ratio %.2f%n",
                    median(busCpu), median(plainCpu), median(plainCpu) / median(busCpu));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static double runSendevent(String uri, Path file, Drain drain, int events) throws Exception {
        long before = drain.count();
        long start = System.nanoTime();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(new String[] {"--broker", uri, file.toString()}, Map.of(),
                new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()), new PrintWriter(err));
        long nanos = System.nanoTime() - start;
        if (code != 0) {
            throw new IllegalStateException("sendevent failed with " + code + ": " + err);
        }
        drain.awaitCount(before + events);
        return events * 1e9 / nanos;
    }

    private static double runPlain(String uri, int events, Drain drain) throws Exception {
        long before = drain.count();
        long start = System.nanoTime();
        // the messages sendevent sends: its connection options, enveloped body and application properties
        Connection c = new JmsConnectionFactory(Wire.busUri(uri)).createConnection();
        Wire.Producer wire = new Wire.Producer("bench");
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createTopic("xqbus.events.PhoneStatus"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            List<CompletableFuture<Void>> acks = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                String id = UUID.randomUUID().toString();
                long seq = ++wire.seq;
                TextMessage m = s.createTextMessage(wire.envelope(Events.GONICUS_NS, Events.phoneStatusPayload(i), id, seq));
                wire.properties(m, id, "PhoneStatus", Events.GONICUS_NS, seq);
                acks.add(Wire.sendAsync(producer, m));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).join();
        } finally {
            c.close();
        }
        long nanos = System.nanoTime() - start;
        drain.awaitCount(before + events);
        return events * 1e9 / nanos;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A plain subscriber on {@code xqbus.events.#}, so the broker routes and stores what is sent. */
    static final class Drain implements AutoCloseable {
        private final Connection connection;
        private final AtomicLong count = new AtomicLong();

        Drain(String uri) throws Exception {
            connection = new JmsConnectionFactory(uri).createConnection();
            Session s = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            s.createConsumer(s.createTopic("xqbus.events.#")).setMessageListener(m -> count.incrementAndGet());
            connection.start();
        }

        long count() {
            return count.get();
        }

        void awaitCount(long n) throws InterruptedException {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (count.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count.get() + " of " + n + " messages arrived");
                }
                Thread.sleep(2);
            }
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
