package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import io.xqbus.BrokerKind;
import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Filter;
import io.xqbus.Match;
import io.xqbus.PreparedEvent;
import io.xqbus.Receipt;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.internal.amqp.JmsSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end scenarios every broker must pass, written once: publish and filter (type-routed), a
 * durable consumer group that keeps events while stopped and splits them among members, dead letters
 * (a failing handler and a poison message), {@code publishBatch}, {@code listenevents} in a group, and a
 * Python sender. Each subclass says how to reach its broker (the embedded Artemis, a local RabbitMQ,
 * containers). Names and markers are unique per run, so a persistent broker's leftovers cannot interfere.
 */
abstract class BrokerScenarios {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    /** How to connect a bus to the broker under test (URI, credentials, kind). */
    abstract BusOptions.Builder options();

    /** The broker URI with the credentials in it, as the Python client takes them. */
    String pythonUrl() {
        BusOptions o = options().build();
        return o.user() == null ? o.broker() : o.broker().replace("amqp://", "amqp://" + o.user() + ":" + password() + "@");
    }

    /** The address a foreign AMQP client sends a type's events to. */
    String foreignAddress(String type) {
        return options().build().brokerKind() == BrokerKind.RABBITMQ ? "/topic/xqbus.events." + type : "xqbus.events." + type;
    }

    final String run = "r" + UUID.randomUUID().toString().substring(0, 8);

    EventBuilder phone(String caller, String status) {
        return EventBuilder.of("PhoneStatus").add("CallerId", run + "-" + caller).add("ReceiverId", "1").add("Status", status);
    }

    List<Filter> filter(String predicate) throws Exception {
        return List.of(Filter.compile("scenario", mine(predicate)));
    }

    String mine(String predicate) {
        return F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, '" + run + "-')]" + predicate;
    }

    @Test
    void publishAndFilterOnTypeAddresses() throws Exception {
        LinkedBlockingQueue<Match> busy = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(options().source("scenario").build());
             Subscription s = bus.subscribe(mine("[f:Status = 'busy']"), busy::add)) {
            assertEquals(List.of("xqbus.events.PhoneStatus", "xqbus.events"), s.addresses());
            for (String status : List.of("idle", "busy", "ringing", "busy")) {
                bus.publish(phone(status, status));
            }
            for (int i = 0; i < 2; i++) {
                Match m = busy.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(m, "match " + (i + 1) + " of 2 missing");
                assertEquals(run + "-busy", m.event().value("CallerId"));
                assertEquals("scenario", m.event().source());
            }
            assertTrue(busy.isEmpty(), "only the busy events match: " + busy);
        }
    }

    @Test
    void aDurableGroupKeepsEventsWhileStoppedAndSharesThemAmongMembers() throws Exception {
        String group = run + "-keep";
        SubscriptionOptions durable = SubscriptionOptions.builder().durable(group).build();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Map<String, String> byMember = new ConcurrentHashMap<>();
        try (XqBus bus = XqBus.connect(options().build())) {
            bus.subscribe(filter(""), m -> { }, durable).close();   // the group exists from now on
            List<String> stored = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                stored.add(bus.publish(phone("stored-" + i, "idle")).id());
            }
            List<Subscription> members = new ArrayList<>();
            for (String member : List.of("a", "b")) {
                members.add(bus.subscribe(filter(""), m -> {
                    seen.merge(m.event().id(), 1, Integer::sum);
                    byMember.put(m.event().id(), member);
                }, durable));
            }
            waitUntil(() -> seen.keySet().containsAll(stored), "the 200 events kept while the group was stopped");
            List<String> live = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                live.add(bus.publish(phone("live-" + i, "busy")).id());
            }
            waitUntil(() -> seen.keySet().containsAll(live), "the 200 events published while both members ran");
            for (Subscription member : members) {
                member.drain(Duration.ofSeconds(10));
            }
            assertEquals(400, seen.size(), "nothing else reached the group");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "an event reached the group twice");
            Set<String> members2 = new HashSet<>();
            live.forEach(id -> members2.add(byMember.get(id)));
            assertEquals(Set.of("a", "b"), members2, "both members got a share of the live events");
            bus.unsubscribe(group);
        }
    }

    @Test
    void failingHandlersAndPoisonMessagesEndOnTheDeadLetterQueue() throws Exception {
        String group = run + "-dl";
        LinkedBlockingQueue<String> handled = new LinkedBlockingQueue<>();
        SubscriptionOptions options = SubscriptionOptions.builder().durable(group).maxAttempts(2)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(10)).build();
        try (XqBus bus = XqBus.connect(options().build())) {
            try (Subscription s = bus.subscribe(List.of(Filter.compile("flaky", mine(""))), m -> {
                if (m.event().value("CallerId").endsWith("-bad")) {
                    throw new IllegalStateException("cannot handle " + m.event().value("CallerId"));
                }
                handled.add(m.event().value("CallerId"));
            }, options)) {
                bus.publish(phone("good1", "busy"));
                String bad = bus.publish(phone("bad", "busy")).id();
                String poison = UUID.randomUUID().toString();
                sendRaw("xqbus.events.PhoneStatus", "<PhoneStatus>not closed", poison);
                bus.publish(phone("good2", "busy"));
                assertEquals(run + "-good1", handled.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
                assertEquals(run + "-good2", handled.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the group goes on after a dead letter");

                Map<String, Message> dead = deadLetters(Set.of(bad, poison));
                Message handler = dead.get(bad);
                assertTrue(handler.getStringProperty(SubscriptionOptions.PROP_DL_REASON).contains("cannot handle " + run + "-bad"),
                        handler.getStringProperty(SubscriptionOptions.PROP_DL_REASON));
                assertEquals("flaky", handler.getStringProperty(SubscriptionOptions.PROP_DL_FILTER));
                assertEquals(2, handler.getIntProperty(SubscriptionOptions.PROP_DL_ATTEMPTS));
                assertEquals("xqbus.events.PhoneStatus", handler.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS));
                assertTrue(handler.getBody(String.class).contains(run + "-bad"), "the dead letter holds the event as it arrived");
                assertTrue(dead.get(poison).getStringProperty(SubscriptionOptions.PROP_DL_REASON).startsWith("not an acceptable event"),
                        dead.get(poison).getStringProperty(SubscriptionOptions.PROP_DL_REASON));
                assertEquals(2, s.deadLettered());
            }
            bus.unsubscribe(group);
        }
    }

    @Test
    void publishBatchIsAllOrNothingOrRefusedWhereTheBrokerHasNoTransactions() throws Exception {
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(options().build()); Subscription s = bus.subscribe(mine(""), got::add)) {
            List<EventBuilder> batch = List.of(phone("batch-1", "busy"), phone("batch-2", "idle"));
            if (bus.options().brokerKind() == BrokerKind.RABBITMQ) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> bus.publishBatch(batch));
                assertTrue(e.getMessage().contains("RabbitMQ"), e.getMessage());
                return;
            }
            List<Receipt> receipts = bus.publishBatch(batch);
            assertEquals(2, receipts.size());
            for (Receipt r : receipts) {
                Match m = got.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(m, "batch event missing");
                assertEquals(r.id(), m.event().id());
            }
        }
    }

    @Test
    void listenEventsJoinsADurableGroup() throws Exception {
        String group = run + "-cli";
        BusOptions o = options().build();
        List<String> args = new ArrayList<>(List.of("--broker", o.broker(), "--broker-kind", o.brokerKind().name().toLowerCase(),
                "--durable", group, "--count", "2", "--timeout", "60s", "--query", mine("[f:Status = 'busy']")));
        Map<String, String> env = new HashMap<>();
        if (o.user() != null) {
            args.addAll(List.of("--user", o.user()));
            env.put("XQBUS_PASSWORD", password());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                ListenEvents.run(args.toArray(String[]::new), env, new PrintWriter(out, true), new PrintWriter(err, true)));
        waitUntil(() -> err.toString().contains("listening on ") || exit.isDone(), "listenevents to start: " + err);
        assertFalse(exit.isDone(), "listenevents ended early: " + err);
        try (XqBus bus = XqBus.connect(options().build())) {
            bus.publish(phone("cli-1", "busy"));
            bus.publish(phone("cli-2", "idle"));
            bus.publish(phone("cli-3", "busy"));
            assertEquals(0, exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), err.toString());
            assertTrue(out.toString().contains(run + "-cli-1") && out.toString().contains(run + "-cli-3")
                    && !out.toString().contains(run + "-cli-2"), out.toString());
            bus.unsubscribe(group);
        }
    }

    @Test
    void aKilledGroupMemberLosesNothing(@TempDir Path dir) throws Exception {
        String group = run + "-kill";
        int total = 2000;
        Path first = dir.resolve("first.ndjson");
        Path second = dir.resolve("second.ndjson");
        try (XqBus bus = XqBus.connect(options().build())) {
            bus.subscribe(filter(""), m -> { }, SubscriptionOptions.builder().durable(group).build()).close();
            String ns = bus.schemas().namespaceOf("PhoneStatus");
            List<CompletableFuture<Receipt>> sent = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                sent.add(bus.publishAsync(PreparedEvent.prepare(phone("kill-" + i, "busy").toXml(ns), "kill", bus.schemas(),
                        bus.options().limits())));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            Process p = member(group, first, dir.resolve("first.err"));
            waitUntil(() -> DaemonTest.lines(first) >= 20, "some events handled before the kill");
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL: nothing acknowledged in flight
            assertTrue(DaemonTest.lines(first) < total, "the kill came in the middle of the stream");
            Process q = member(group, second, dir.resolve("second.err"));
            try {
                waitUntil(() -> {
                    Set<String> ids = new HashSet<>();
                    DaemonTest.records(DaemonTest.read(first)).forEach(r -> ids.add(r[0]));
                    DaemonTest.records(DaemonTest.read(second)).forEach(r -> ids.add(r[0]));
                    return ids.size() >= total;
                }, "every event at least once after the restart");
            } finally {
                q.destroy();
                q.waitFor(30, TimeUnit.SECONDS);
            }
            bus.unsubscribe(group);
        }
    }

    /** A listenevents group member in a JVM of its own, printing ndjson. */
    Process member(String group, Path out, Path err) throws Exception {
        BusOptions o = options().build();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ListenEvents.class.getName(), "--broker", o.broker(), "--broker-kind", o.brokerKind().name().toLowerCase(),
                "--management-uri", o.managementUri(), "--durable", group, "--format", "ndjson", "--query", mine("")));
        ProcessBuilder pb = new ProcessBuilder();
        if (o.user() != null) {
            command.addAll(List.of("--user", o.user()));
            pb.environment().put("XQBUS_PASSWORD", password());
        }
        pb.command(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        waitUntil(() -> DaemonTest.read(err).contains("listening on ") || !p.isAlive(), "the member to start");
        assertTrue(p.isAlive(), "the member ended: " + DaemonTest.read(err));
        return p;
    }

    @Test
    void aPythonSenderIsFilteredLikeJava(@TempDir Path dir) throws Exception {
        ForeignClientTest.needsProton();
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(options().build());
             Subscription s = bus.subscribe(mine("[f:Status = 'busy']"), got::add)) {
            Path body = Files.writeString(dir.resolve("e.xml"), "<PhoneStatus xmlns='http://www.gonicus.de/Events'><CallerId>" + run
                    + "-python</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus>");
            Process p = new ProcessBuilder("/usr/bin/python3", ForeignClientTest.SCRIPTS.resolve("send_event.py").toString(), "--binary",
                    pythonUrl(), foreignAddress("PhoneStatus"), body.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, output);
            Match m = got.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m, "the Python event did not arrive");
            assertEquals(run + "-python", m.event().value("CallerId"));
        }
    }

    /** The password of {@link #options()}'s user, or null (BusOptions keeps it to itself). */
    abstract String password();

    /** A raw JMS connection with the address conventions the bus uses for this broker kind. */
    Connection rawConnection() throws Exception {
        BusOptions o = options().build();
        String uri = o.brokerKind() == BrokerKind.RABBITMQ ? JmsSupport.forRabbitMq(o.broker()) : o.broker();
        JmsConnectionFactory factory = new JmsConnectionFactory(uri);
        if (o.user() != null) {
            factory.setUsername(o.user());
            factory.setPassword(password());
        }
        Connection c = factory.createConnection();
        c.start();
        return c;
    }

    /** Sends a message that is not an event, as a foreign or broken client would. */
    void sendRaw(String address, String body, String id) throws Exception {
        try (Connection c = rawConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = s.createTextMessage(body);
            m.setStringProperty(XqBus.PROP_ID, id);
            s.createProducer(s.createTopic(address)).send(m);
        }
    }

    /** Reads the dead-letter queue until every id given is there (others are consumed and ignored). */
    Map<String, Message> deadLetters(Set<String> ids) throws Exception {
        Map<String, Message> found = new HashMap<>();
        try (Connection c = rawConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (!found.keySet().containsAll(ids) && System.nanoTime() < end) {
                Message m = consumer.receive(500);
                if (m != null && ids.contains(m.getStringProperty(XqBus.PROP_ID))) {
                    found.put(m.getStringProperty(XqBus.PROP_ID), m);
                }
            }
        }
        assertEquals(ids, found.keySet(), "dead letters found");
        return found;
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        DaemonTest.await(what, DEADLINE.toSeconds(), condition);
    }
}
