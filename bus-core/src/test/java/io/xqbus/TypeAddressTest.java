package io.xqbus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.AddressStampPlugin;
import io.xqbus.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #23 item 1 and #22 item 7 (brief §10, "type and address agree"): with README's example rights, a foreign
 * producer allowed to publish only {@code ClientPoll} events lands a {@code NodeLeave} payload on
 * {@code xqbus.events.ClientPoll} (the broker routes by its link, whatever {@code to} says); consumers reject it
 * like any unacceptable message and dead-letter copies name the address it really arrived on.
 */
class TypeAddressTest {

    static final String NS = "http://www.gonicus.de/Events";

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static Map<String, String> passwords = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("## Security\\n.*?```properties\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md's Security section must show a users file in a properties block");
        Matcher u = Pattern.compile("(?m)^user\\.(\\S+)\\s*=\\s*([^,\\s]+)").matcher(m.group(1));
        while (u.find()) {
            passwords.put(u.group(1), u.group(2));
        }
        assertTrue(passwords.keySet().containsAll(List.of("pbx", "alerts", "poller")), "README's users: " + passwords.keySet());
        assertTrue(m.group(1).contains("permit.pollers = publish xqbus.events.ClientPoll"), "README's per-type producer");
        // README's rights, and what README says to grant readers so that they dead-letter with the reasons
        broker = EmbeddedBroker.builder().securityFile(Files.writeString(dir.resolve("users.properties"), m.group(1)))
                .permit(EmbeddedBroker.DEAD_LETTER_ADDRESS, "readers", EmbeddedBroker.Permission.PUBLISH).build().start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static BusOptions.Builder as(String user) {
        return BusOptions.builder().broker(broker.uri()).credentials(user, passwords.get(user));
    }

    static RawAmqp raw(String user) throws IOException {
        return new RawAmqp(broker.uri(), user, passwords.get(user));
    }

    static String nodeLeave(String id) {
        return "<Event xmlns='" + NS + "'><NodeLeave><Id>" + id + "</Id></NodeLeave></Event>";
    }

    /** Collects the listener's rejections: the name it gives the message, and why. */
    static final class Rejections implements BusListener {
        final List<String> ids = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void eventRejected(String messageId, InvalidEventException reason) {
            ids.add(messageId);
            reasons.add(reason.getMessage());
        }
    }

    @Test
    void thePluginsPropertyIsTheOneConsumersRead() {
        assertEquals(AddressStampPlugin.PROPERTY, XqBus.PROP_ADDRESS);
    }

    @Test
    void aPayloadOfAnotherTypeThanItsAddressIsRejectedHoweverToIsSet() throws Exception {
        Rejections rejections = new Rejections();
        Inbox inbox = new Inbox();
        try (XqBus alerts = XqBus.connect(as("alerts").listener(rejections).build());
             XqBus pbx = XqBus.connect(as("pbx").build());
             Subscription s = alerts.subscribe("declare namespace f='" + NS + "'; /f:Event/*", inbox);
             RawAmqp poller = raw("poller");
             RawAmqp anyType = raw("pbx")) {
            assertEquals(List.of("xqbus.events.#"), s.addresses(), "a wildcard subscription");
            // the per-type right holds for the link's target: ClientPoll only
            IOException refused = assertThrows(IOException.class, () -> poller.send("xqbus.events.NodeLeave", RawAmqp.text(nodeLeave("x"), null)));
            assertTrue(refused.getMessage().contains("refused"), refused.getMessage());

            // (a) no 'to', no properties, no message id; (b) 'to', xqbus_type and xqbus_address all claiming NodeLeave
            poller.sendAccepted("xqbus.events.ClientPoll", RawAmqp.text(nodeLeave("forged-without-to"), null));
            org.apache.qpid.proton.message.Message forged = RawAmqp.text(nodeLeave("forged-with-to"), Map.of(
                    XqBus.PROP_ID, "forged-with-to", XqBus.PROP_TYPE, "NodeLeave", XqBus.PROP_ADDRESS, "xqbus.events.NodeLeave"));
            forged.setAddress("xqbus.events.NodeLeave");
            poller.sendAccepted("xqbus.events.ClientPoll", forged);

            // honest ones still flow: a ClientPoll there, a NodeLeave on its own address, any type on the bare prefix
            poller.sendAccepted("xqbus.events.ClientPoll", RawAmqp.text("<Event xmlns='" + NS + "' id='honest-poll'><ClientPoll/></Event>", null));
            pbx.publish(EventBuilder.of("NodeLeave").id("honest-leave").add("Id", "honest-leave"));
            anyType.sendAccepted("xqbus.events", RawAmqp.text("<Event xmlns='" + NS + "' id='bare-leave'><NodeLeave><Id>bare-leave</Id></NodeLeave></Event>", null));

            Inbox.await("three honest events and two rejections", () -> s.matched() == 3 && s.rejected() == 2);
            List<String> delivered = inbox.drain().stream().map(x -> x.event().id()).sorted().toList();
            assertEquals(List.of("bare-leave", "honest-leave", "honest-poll"), delivered);
            assertEquals(2, rejections.reasons.size(), rejections.reasons.toString());
            for (String reason : rejections.reasons) {
                assertTrue(reason.contains("NodeLeave") && reason.contains("ClientPoll") && reason.contains("xqbus.events.ClientPoll"), reason);
                assertFalse(reason.contains("message null"), reason);
            }
            assertTrue(rejections.ids.contains("forged-with-to"), rejections.ids.toString());
            assertTrue(rejections.ids.contains("message without id on xqbus.events.ClientPoll"), rejections.ids.toString());
        }
    }

    @Test
    void aGroupDeadLettersTheMismatchNamingBothTypesAndTheAddressItArrivedOn() throws Exception {
        Rejections rejections = new Rejections();
        Inbox inbox = new Inbox();
        try (XqBus alerts = XqBus.connect(as("alerts").listener(rejections).build());
             RawAmqp poller = raw("poller")) {
            Subscription member = alerts.subscribe(List.of(Filter.compile("all", "declare namespace f='" + NS + "'; /f:Event/*")), inbox,
                    SubscriptionOptions.builder().durable("type-check").build());
            try (member) {
                poller.sendAccepted("xqbus.events.ClientPoll", RawAmqp.text(nodeLeave("dead-lettered-leave"), null));   // no 'to', no id
                poller.sendAccepted("xqbus.events.ClientPoll", RawAmqp.text("<Event xmlns='" + NS + "' id='after'><ClientPoll/></Event>", null));
                assertEquals("after", inbox.next().event().id(), "the group goes on");
                Inbox.await("the mismatch dead-lettered", () -> member.deadLettered() == 1);
                assertEquals(1, member.rejected());
            }
            Message dead = receiveDeadLetter(as("alerts").build(), "dead-lettered-leave");
            String reason = dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON);
            assertTrue(reason.contains("NodeLeave") && reason.contains("ClientPoll") && reason.contains("xqbus.events.ClientPoll"), reason);
            assertTrue(reason.contains("message without id on xqbus.events.ClientPoll"), reason);
            assertFalse(reason.contains("null"), reason);
            // #22 item 7: the address it arrived on, not the subscription's pattern
            assertEquals("xqbus.events.ClientPoll", dead.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS));
            assertEquals(List.of("message without id on xqbus.events.ClientPoll"), rejections.ids);
        } finally {
            try (XqBus ops = XqBus.connect(as("ops").build())) {
                ops.unsubscribe("type-check");
            }
        }
    }

    static Message receiveDeadLetter(BusOptions as, String marker) throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(broker.uri());
        Connection c = factory.createConnection(as.user(), passwords.get(as.user()));
        try {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = session.createConsumer(session.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
            List<String> seen = new java.util.ArrayList<>();
            while (true) {
                Message m = consumer.receive(Inbox.DEADLINE.toMillis());
                assertNotNull(m, "no dead letter containing " + marker + "; saw " + seen);
                String body = m instanceof jakarta.jms.TextMessage t ? t.getText() : "";
                if (body.contains(marker)) {
                    return m;
                }
                seen.add(body);
            }
        } finally {
            c.close();
        }
    }
}
