package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Filter;
import io.xqbus.Match;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's security example, exactly as written there (its users file is read from README.md), on a
 * secure embedded broker: what its roles may and may not do to consumer groups.
 */
class ReadmeRightsTest {

    static final long DEADLINE_MS = 30_000;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    /** user → password, from README's users file. */
    static Map<String, String> passwords;

    @BeforeAll
    static void start() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("## Security\\n.*?```properties\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md's Security section must show a users file in a properties block");
        String usersFile = m.group(1);
        Path users = Files.writeString(dir.resolve("users.properties"), usersFile);
        passwords = new java.util.HashMap<>();
        Matcher u = Pattern.compile("(?m)^user\\.(\\S+)\\s*=\\s*([^,\\s]+)").matcher(usersFile);
        while (u.find()) {
            passwords.put(u.group(1), u.group(2));
        }
        assertTrue(passwords.keySet().containsAll(List.of("pbx", "alerts", "ops")), "README's users: " + passwords.keySet());
        broker = EmbeddedBroker.builder().securityFile(users).build().start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static BusOptions as(String user) {
        return BusOptions.builder().broker(broker.uri()).credentials(user, passwords.get(user)).build();
    }

    record Result(int code, String out, String err) {
    }

    static Result listenevents(String user, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of("--broker", broker.uri().toString(), "--user", user));
        all.addAll(List.of(args));
        int code = ListenEvents.run(all.toArray(new String[0]), Map.of("XQBUS_PASSWORD", passwords.get(user)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static EventBuilder phone(String caller) {
        return EventBuilder.of("PhoneStatus").add("CallerId", caller).add("ReceiverId", "1").add("Status", "busy");
    }

    static List<Filter> phoneFilter(String name) throws Exception {
        return List.of(Filter.compile(name, "declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus"));
    }

    /** #23 item 2: a reader cannot delete a group (its own or another team's); an operator can. */
    @Test
    void deletingAGroupNeedsTheDeleteGroupRight() throws Exception {
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus alerts = XqBus.connect(as("alerts"));
             XqBus pbx = XqBus.connect(as("pbx"))) {
            // the billing group exists and holds an event while no member runs
            alerts.subscribe(phoneFilter("billing"), got::add, SubscriptionOptions.builder().durable("billing").build()).close();
            pbx.publish(phone("kept-for-billing"));
        }

        Result refused = listenevents("alerts", "--unsubscribe", "billing");
        assertEquals(77, refused.code(), refused.err());
        assertTrue(refused.err().contains("alerts") && refused.err().contains("billing"), refused.err());
        assertFalse(refused.err().contains(passwords.get("alerts")), "no password in messages");
        assertFalse(refused.err().contains("deleted the consumer group"), refused.err());
        assertFalse(refused.err().contains("\tat "), "no stack trace: " + refused.err());

        // the group and its event are still there
        try (XqBus alerts = XqBus.connect(as("alerts"))) {
            Subscription member = alerts.subscribe(phoneFilter("billing"), got::add, SubscriptionOptions.builder().durable("billing").build());
            Match m = got.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
            assertNotNull(m, "the refused unsubscribe deleted the group's events");
            assertEquals("kept-for-billing", m.event().value("CallerId"));
            member.close();
        }

        Result deleted = listenevents("ops", "--unsubscribe", "billing");
        assertEquals(0, deleted.code(), deleted.err());
        assertTrue(deleted.err().contains("deleted the consumer group billing"), deleted.err());
    }

    /**
     * #23 item 3: README's readers may consume but not publish to {@code xqbus.dead-letter}. A member whose
     * handler keeps failing cannot dead-letter the event itself; it must not spin: the event is left to the
     * broker, which moves it to {@code xqbus.dead-letter} after its delivery limit, and the member goes on.
     */
    @Test
    void aMemberThatMayNotDeadLetterLeavesTheEventToTheBroker() throws Exception {
        LinkedBlockingQueue<Match> good = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        long before = broker.messageCount(EmbeddedBroker.DEAD_LETTER_ADDRESS);
        // reconnecting for ever, as the listenevents daemon does
        try (XqBus alerts = XqBus.connect(BusOptions.builder().broker(broker.uri()).credentials("alerts", passwords.get("alerts"))
                     .reconnect(true).build());
             XqBus pbx = XqBus.connect(as("pbx"));
             Subscription member = alerts.subscribe(phoneFilter("failing"), m -> {
                 calls.incrementAndGet();
                 if (m.event().value("CallerId").equals("poison")) {
                     throw new IllegalStateException("the action failed");
                 }
                 good.add(m);
             }, SubscriptionOptions.builder().durable("failing").maxAttempts(2)
                     .backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)).build())) {
            pbx.publish(phone("poison"));
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (broker.messageCount(EmbeddedBroker.DEAD_LETTER_ADDRESS) == before && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, broker.messageCount(EmbeddedBroker.DEAD_LETTER_ADDRESS),
                    "the broker did not dead-letter the event; the handler ran " + calls.get() + " times");
            int spent = calls.get();
            assertEquals(2, spent, "the handler runs its attempts once, not again on each of the broker's redeliveries");
            // the member goes on: the next event is handled, and the poison one is not seen again
            pbx.publish(phone("after"));
            Match next = good.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
            assertNotNull(next, "the member stopped");
            assertEquals("after", next.event().value("CallerId"));
            assertEquals(spent + 1, calls.get());
            assertEquals(0, member.deadLettered(), "the member could not dead-letter anything itself");
        }
        try (XqBus ops = XqBus.connect(as("ops"))) {
            ops.unsubscribe("failing");
        }
    }
}
