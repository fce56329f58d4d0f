package io.xqbus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.XqBus;
import io.xqbus.XqBusException;

/**
 * The fault-injection soak behind the claim "nothing accepted is lost across consumer and broker kill -9":
 * a persistent {@code xqbus-broker} and a {@code listenevents --durable} daemon, each in its own JVM, while
 * this process publishes numbered events synchronously (an event counts as accepted when {@code publish}
 * returned). Every few seconds one of the two child processes is killed with SIGKILL and started again,
 * alternately. At the end it waits until the daemon has printed every accepted event and reports accepted,
 * delivered, duplicates and lost; it exits 1 if anything accepted was lost. Not part of {@code mvn verify}
 * (it runs for minutes). Run: {@code bin/xqbus-bench faults [SECONDS] [KILL_EVERY_SECONDS]} (default 120, 6).
 */
public final class FaultSoak {

    private static final String QUERY = "declare namespace f = 'http://www.gonicus.de/Events'; "
            + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'soak-')]/string(f:CallerId)";
    private static final long DRAIN_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(180);

    private final Path dir;
    private final int port;
    private final Path received;
    private Process broker;
    private Process consumer;

    private FaultSoak(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.received = dir.resolve("received.txt");
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int killEvery = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path dir = Files.createTempDirectory("xqbus-faults-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FaultSoak soak = new FaultSoak(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(soak::stopAll, "faults-cleanup"));   // also on Ctrl-C and on a failure
        int rc = soak.run(seconds, killEvery);
        soak.stopAll();
        System.exit(rc);
    }

    private int run(int seconds, int killEvery) throws Exception {
        String uri = startBroker();
        startConsumer(uri);
        awaitSubscribed();   // a durable group keeps only what is published after it exists
        System.out.printf("faults: %d s, a SIGKILL every %d s (consumer and broker alternately), broker %s, files in %s%n",
                seconds, killEvery, uri, dir);
        AtomicInteger accepted = new AtomicInteger();
        AtomicLong refusals = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> produce(uri, accepted, refusals, producing), "soak-producer");
        producer.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int consumerKills = 0;
        int brokerKills = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(killEvery));
            if ((consumerKills + brokerKills) % 2 == 0) {
                kill(consumer);
                consumerKills++;
                startConsumer(uri);
            } else {
                kill(broker);
                brokerKills++;
                startBroker();
            }
            System.out.printf("  %3d s: %,d accepted, %d consumer and %d broker kills%n",
                    seconds - TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime()), accepted.get(), consumerKills, brokerKills);
        }
        producing.set(false);
        producer.join();
        int n = accepted.get();
        long drainStart = System.nanoTime();
        BitSet seen = new BitSet(n);
        int[] lines = new int[1];
        while (System.nanoTime() - drainStart < DRAIN_DEADLINE_NANOS) {
            seen = read(n, lines);
            if (seen.cardinality() == n) {
                break;
            }
            Thread.sleep(500);
        }
        int delivered = seen.cardinality();
        List<String> lost = new ArrayList<>();
        for (int i = seen.nextClearBit(0); i < n && lost.size() < 10; i = seen.nextClearBit(i + 1)) {
            lost.add("soak-" + i);
        }
        System.out.printf("faults: %,d events accepted, %,d delivered, %,d duplicates, %,d lost%s; %d consumer and %d broker"
                        + " SIGKILLs; %,d publishes refused while the broker was down (retried)%n",
                n, delivered, lines[0] - delivered, n - delivered, lost.isEmpty() ? "" : " (first: " + lost + ")",
                consumerKills, brokerKills, refusals.get());
        return delivered == n ? 0 : 1;
    }

    /** Publishes soak-0, soak-1 … synchronously; an event that throws is published again until accepted. */
    private static void produce(String uri, AtomicInteger accepted, AtomicLong refusals, AtomicBoolean producing) {
        BusOptions options = BusOptions.builder().broker(uri).source("soak").persistent(true).reconnect(true).build();
        try (XqBus bus = XqBus.connect(options)) {
            while (producing.get()) {
                int i = accepted.get();
                try {
                    bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "soak-" + i)
                            .add("ReceiverId", "1").add("Status", "busy"));
                    accepted.incrementAndGet();
                } catch (XqBusException refused) {
                    refusals.incrementAndGet();   // the broker is down or restarting: not accepted, so try again
                    Thread.sleep(100);
                }
            }
        } catch (Exception e) {
            System.err.println("faults: the producer stopped: " + e);
            System.exit(70);
        }
    }

    /** Which soak numbers below n the daemon printed; lines[0] gets the count of printed soak lines. */
    private BitSet read(int n, int[] lines) throws IOException {
        BitSet seen = new BitSet(n);
        int count = 0;
        if (Files.exists(received)) {
            for (String line : Files.readAllLines(received, StandardCharsets.UTF_8)) {
                if (line.startsWith("soak-")) {
                    try {
                        int i = Integer.parseInt(line.substring(5).trim());
                        count++;
                        if (i < n) {
                            seen.set(i);
                        }
                    } catch (NumberFormatException partial) {
                        // a line cut off by SIGKILL; its event is delivered again
                    }
                }
            }
        }
        lines[0] = count;
        return seen;
    }

    private String startBroker() throws IOException, InterruptedException {
        ProcessBuilder pb = java("io.xqbus.broker.BrokerMain", "--port", Integer.toString(port),
                "--data", dir.resolve("broker-data").toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            broker = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();   // the URI, printed once the acceptor is bound
            if (first != null) {
                return first.trim();
            }
            broker.waitFor();
            if (System.nanoTime() > deadline) {   // the killed broker's port or journal lock not yet released
                throw new IOException("the broker did not start again (exit " + broker.exitValue() + "); see " + dir.resolve("broker.log"));
            }
            Thread.sleep(500);
        }
    }

    private void startConsumer(String uri) throws IOException {
        ProcessBuilder pb = java("io.xqbus.cli.listen.ListenEvents", "--broker", uri, "--durable", "soak",
                "--status-interval", "1h", "--query", QUERY);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(received.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("consumer.log").toFile()));
        consumer = pb.start();
    }

    private void awaitSubscribed() throws IOException, InterruptedException {
        Path log = dir.resolve("consumer.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log, StandardCharsets.UTF_8).contains("listening on ")) {
            if (!consumer.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("listenevents did not start; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static ProcessBuilder java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();   // SIGKILL on Linux
        p.waitFor();
    }

    private synchronized void stopAll() {
        for (Process p : new Process[] {consumer, broker}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
        }
    }
}
