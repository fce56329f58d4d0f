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

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
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
 * throughput, and the heap in use. Run: {@code bin/xqbus-bench e2e [EVENTS] [ROUNDS]}.
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
            runBus(uri, schemas, events, 0);   // warm-up
            runPlain(uri, events, 0);
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
        long[] latencies = new long[events];
        AtomicInteger received = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        List<Filter> filters = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            filters.add(Filter.compile("f" + j, "declare namespace f='" + Events.BENCH_NS + "'; /f:Event/f:Reading[f:Sensor = 's" + j + "']"));
        }
        try (XqBus consumer = XqBus.connect(BusOptions.builder().broker(uri).schemas(schemas).build());
             XqBus producer = XqBus.connect(BusOptions.builder().broker(uri).schemas(schemas).build());
             Subscription s = consumer.subscribe(filters, m -> {
                 long sent = Long.parseLong(m.event().value("Sent"));
                 int n = received.getAndIncrement();
                 if (n < latencies.length) {
                     latencies[n] = System.nanoTime() - sent;
                 }
                 last.set(System.nanoTime());
             })) {
            long cpu = Wire.processCpuNanos();
            long start = System.nanoTime();
            List<CompletableFuture<Receipt>> acks = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                pace(start, i, rate);
                acks.add(producer.publishAsync(PreparedEvent.prepare(Events.reading(i, System.nanoTime()), "bench", schemas,
                        producer.options().limits())));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).join();
            await(received, events);
            return new Result(events * 1e9 / (last.get() - start), latencies, (Wire.processCpuNanos() - cpu) / 1e3 / events);
        }
    }

    private static Result runPlain(String uri, int events, double rate) throws Exception {
        long[] latencies = new long[events];
        AtomicInteger received = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        // the bus's connection options, body and properties: the same messages, moved the same way
        Connection consumer = new JmsConnectionFactory(Wire.busUri(uri)).createConnection();
        Connection producer = new JmsConnectionFactory(Wire.busUri(uri)).createConnection();
        Wire.Producer wire = new Wire.Producer("bench");
        try {
            Session cs = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            cs.createConsumer(cs.createTopic("xqbus.events.Reading")).setMessageListener(m -> {
                try {
                    long sent = m.getLongProperty("sent");
                    ((TextMessage) m).getText();
                    int n = received.getAndIncrement();
                    if (n < latencies.length) {
                        latencies[n] = System.nanoTime() - sent;
                    }
                    last.set(System.nanoTime());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            consumer.start();
            Session ps = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = ps.createProducer(ps.createTopic("xqbus.events.Reading"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            long cpu = Wire.processCpuNanos();
            long start = System.nanoTime();
            List<CompletableFuture<Void>> acks = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                pace(start, i, rate);
                long now = System.nanoTime();
                String id = UUID.randomUUID().toString();
                long seq = ++wire.seq;
                TextMessage m = ps.createTextMessage(wire.envelope(Events.BENCH_NS, Events.reading(i, now), id, seq));
                wire.properties(m, id, "Reading", Events.BENCH_NS, seq);
                m.setLongProperty("sent", now);
                CompletableFuture<Void> ack = new CompletableFuture<>();
                p.send(m, new CompletionListener() {
                    @Override
                    public void onCompletion(Message message) {
                        ack.complete(null);
                    }

                    @Override
                    public void onException(Message message, Exception exception) {
                        ack.completeExceptionally(exception);
                    }
                });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).join();
            await(received, events);
            return new Result(events * 1e9 / (last.get() - start), latencies, (Wire.processCpuNanos() - cpu) / 1e3 / events);
        } finally {
            producer.close();
            consumer.close();
        }
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
