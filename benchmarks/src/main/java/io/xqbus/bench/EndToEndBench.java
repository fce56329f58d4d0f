package io.xqbus.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.BusOptions;
import io.xqbus.Filter;
import io.xqbus.PreparedEvent;
import io.xqbus.Receipt;
import io.xqbus.SchemaSet;
import io.xqbus.Subscription;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;

/**
 * Issue 9's end-to-end figures, side by side in one run against one embedded broker on loopback: the bus
 * (1 KB events validated against their XSD, published asynchronously, 10 filters, each event matching one)
 * and plain qpid-jms publishing and consuming the same messages the same way (the bus's enveloped body and
 * application properties, its connection options and consumer prefetch, persistent, asynchronous sends with a
 * completion listener, auto-acknowledge consumer, no parsing, no validation, no filters). Besides throughput it
 * prints the CPU time the whole process spent per event, a figure a busy shared machine disturbs less. It prints
 * throughput (medians of alternating rounds), publish-to-callback latency percentiles at half the bus's
 * throughput, and the heap in use; with {@code split}, also the mixed pairs (the bus's producer with a plain consumer and the
 * reverse), to show which side the overhead is on. Run: {@code bin/xqbus-bench e2e [EVENTS] [ROUNDS] [split]}.
 */
public final class EndToEndBench {

    private EndToEndBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("xqbus-bench-xsd-");
        try (var in = EndToEndBench.class.getResourceAsStream("/bench/Reading.xsd")) {
            Files.copy(in, dir.resolve("Reading.xsd"));
        }
        SchemaSet schemas = SchemaSet.load(dir);
        try (EmbeddedBroker broker = EmbeddedBroker.builder().build().start()) {
            String uri = broker.uri().toString();
            System.out.printf("e2e: %d events of ~%d bytes per round, %d cores, embedded broker on loopback%n", events,
                    Events.reading(0, System.nanoTime()).length(), Runtime.getRuntime().availableProcessors());
            for (int w = 0; w < 2; w++) {   // warm-up: the first round after one warm-up round still compiles Saxon's and Xerces's code
                runBus(uri, schemas, events, 0);
                runPlain(uri, events, 0);
            }
            double[] bus = new double[rounds];
            double[] plain = new double[rounds];
            double[] busCpu = new double[rounds];
            double[] plainCpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Result br = runBus(uri, schemas, events, 0);
                Result pr = runPlain(uri, events, 0);
                bus[r] = br.throughput;
                plain[r] = pr.throughput;
                busCpu[r] = br.cpuMicrosPerEvent;
                plainCpu[r] = pr.cpuMicrosPerEvent;
                System.out.printf("  round %d: bus %,.0f events/s (%.0f µs CPU each), plain qpid-jms %,.0f msg/s (%.0f µs CPU each)%n",
                        r + 1, bus[r], busCpu[r], plain[r], plainCpu[r]);
            }
            double b = SendStreamBench.median(bus);
            double p = SendStreamBench.median(plain);
            System.out.printf("e2e throughput: bus %,.0f events/s, plain qpid-jms %,.0f msg/s, ratio %.2f%n", b, p, b / p);
            double bc = SendStreamBench.median(busCpu);
            double pc = SendStreamBench.median(plainCpu);
            System.out.printf("e2e CPU per event (whole process: broker, producer, consumer): bus %.0f µs, plain %.0f µs, ratio %.2f%n",
                    bc, pc, pc / bc);
            double rate = b / 2;
            Result busLatency = runBus(uri, schemas, events, rate);
            Result plainLatency = runPlain(uri, events, rate);
            System.out.printf("e2e latency at %,.0f/s (half the bus's throughput), publish to callback: bus p50 %.2f ms, p95 %.2f ms, p99 %.2f ms;"
                    + " plain p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", rate, busLatency.p(50), busLatency.p(95), busLatency.p(99),
                    plainLatency.p(50), plainLatency.p(95), plainLatency.p(99));
            if (args.length > 2 && args[2].equals("split")) {
                // which side is the overhead on? each mixed pair, alternating, medians
                double[][] mixed = new double[4][rounds];
                for (int r = 0; r < rounds; r++) {
                    mixed[0][r] = run(uri, schemas, events, 0, true, true).throughput;
                    mixed[1][r] = run(uri, schemas, events, 0, true, false).throughput;
                    mixed[2][r] = run(uri, schemas, events, 0, false, true).throughput;
                    mixed[3][r] = run(uri, schemas, events, 0, false, false).throughput;
                }
                double all = SendStreamBench.median(mixed[3]);
                System.out.printf("e2e split, vs plain both sides (%,.0f/s): bus both %.2f, bus producer + plain consumer %.2f, "
                        + "plain producer + bus consumer %.2f%n", all, SendStreamBench.median(mixed[0]) / all,
                        SendStreamBench.median(mixed[1]) / all, SendStreamBench.median(mixed[2]) / all);
            }
            System.out.printf("e2e heap in use after GC (broker, producer and consumer in one JVM): %,d MB%n", usedHeapMb());
        } finally {
            Files.deleteIfExists(dir.resolve("Reading.xsd"));
            Files.deleteIfExists(dir);
        }
    }

    record Result(double throughput, long[] latencies, double cpuMicrosPerEvent) {
        double p(int percentile) {
            long[] l = latencies.clone();
            Arrays.sort(l);
            return l[Math.min(l.length - 1, (int) Math.ceil(percentile / 100.0 * l.length) - 1)] / 1e6;
        }
    }

    private static Result runBus(String uri, SchemaSet schemas, int events, double rate) throws Exception {
        return run(uri, schemas, events, rate, true, true);
    }

    private static Result runPlain(String uri, int events, double rate) throws Exception {
        return run(uri, null, events, rate, false, false);
    }

    /**
     * One round: the bus's or plain qpid-jms's producer, and the bus's or plain qpid-jms's consumer (the
     * mixed pairs tell which side the bus's overhead is on).
     */
    private static Result run(String uri, SchemaSet schemas, int events, double rate, boolean busProducer, boolean busConsumer)
            throws Exception {
        long[] latencies = new long[events];
        AtomicInteger received = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        java.util.function.LongConsumer arrived = sent -> {
            int n = received.getAndIncrement();
            if (n < latencies.length) {
                latencies[n] = System.nanoTime() - sent;
            }
            last.set(System.nanoTime());
        };
        List<AutoCloseable> open = new ArrayList<>();
        try {
            if (busConsumer) {
                List<Filter> filters = new ArrayList<>();
                for (int j = 0; j < 10; j++) {
                    filters.add(Filter.compile("f" + j, "declare namespace f='" + Events.BENCH_NS + "'; /f:Event/f:Reading[f:Sensor = 's" + j + "']"));
                }
                XqBus consumer = XqBus.connect(BusOptions.builder().broker(uri).schemas(schemas).build());
                open.add(consumer);
                open.add(consumer.subscribe(filters, m -> arrived.accept(Long.parseLong(m.event().value("Sent")))));
            } else {
                // the bus's connection options: the same messages, moved the same way
                Connection consumer = new JmsConnectionFactory(Wire.busUri(uri)).createConnection();
                open.add(consumer);
                Session cs = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
                cs.createConsumer(cs.createTopic("xqbus.events.Reading")).setMessageListener(m -> {
                    try {
                        String text = ((TextMessage) m).getText();
                        int at = text.indexOf("<Sent>") + 6;
                        arrived.accept(Long.parseLong(text.substring(at, text.indexOf('<', at))));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                consumer.start();
            }
            Sender sender = busProducer ? busSender(uri, schemas, open) : plainSender(uri, open);
            long cpu = Wire.processCpuNanos();
            long start = System.nanoTime();
            List<CompletableFuture<?>> acks = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                pace(start, i, rate);
                acks.add(sender.send(i));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).join();
            await(received, events);
            return new Result(events * 1e9 / (last.get() - start), latencies, (Wire.processCpuNanos() - cpu) / 1e3 / events);
        } finally {
            java.util.Collections.reverse(open);
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /** Sends event i of a round, asynchronously. */
    private interface Sender {
        CompletableFuture<?> send(int i) throws Exception;
    }

    private static Sender busSender(String uri, SchemaSet schemas, List<AutoCloseable> open) throws Exception {
        XqBus producer = XqBus.connect(BusOptions.builder().broker(uri).schemas(schemas).build());
        open.add(producer);
        return i -> producer.publishAsync(PreparedEvent.prepare(Events.reading(i, System.nanoTime()), "bench", schemas,
                producer.options().limits()));
    }

    private static Sender plainSender(String uri, List<AutoCloseable> open) throws Exception {
        Connection producer = new JmsConnectionFactory(Wire.busUri(uri)).createConnection();
        open.add(producer);
        Wire.Producer wire = new Wire.Producer("bench");
        Session ps = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = ps.createProducer(ps.createTopic("xqbus.events.Reading"));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        return i -> {
            String id = UUID.randomUUID().toString();
            long seq = ++wire.seq;
            TextMessage m = ps.createTextMessage(wire.envelope(Events.BENCH_NS, Events.reading(i, System.nanoTime()), id, seq));
            wire.properties(m, id, "Reading", Events.BENCH_NS, seq);
            return Wire.sendAsync(p, m);
        };
    }

    /** Holds the send rate to {@code rate} per second (0: as fast as possible). */
    private static void pace(long start, int i, double rate) {
        if (rate <= 0) {
            return;
        }
        long due = start + (long) (i * 1e9 / rate);
        while (System.nanoTime() < due) {
            LockSupport.parkNanos(due - System.nanoTime());
        }
    }

    private static void await(AtomicInteger counter, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (counter.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counter.get() + " of " + n + " arrived");
            }
            Thread.sleep(1);
        }
    }

    private static long usedHeapMb() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
