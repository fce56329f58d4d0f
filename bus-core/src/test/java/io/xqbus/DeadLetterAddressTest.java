package io.xqbus;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #22 item 7: a dead-letter copy of a foreign message names the address it arrived on (never the subscription's
 * pattern), and a message without any id is called {@code message without id on ADDRESS}, never
 * {@code message null}. Also what a consumer can and cannot know on an Artemis without
 * {@code io.xqbus.broker.AddressStampPlugin} (README, Security).
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class DeadLetterAddressTest {

    static final String NS = "http://www.gonicus.de/Events";

    static final class Rejections implements BusListener {
        final List<String> ids = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void eventRejected(String messageId, InvalidEventException reason) {
            ids.add(messageId);
            reasons.add(reason.getMessage());
        }
    }

    static Subscription group(XqBus bus, String name, Inbox inbox) throws Exception {
        return bus.subscribe(List.of(Filter.compile("all", "declare namespace f='" + NS + "'; /f:Event/*")), inbox,
                SubscriptionOptions.builder().durable(name).build());
    }

    @Test
    void aForeignMessageWithoutToOrIdIsDeadLetteredWithTheAddressItArrivedOn(URI broker) throws Exception {
        Rejections rejections = new Rejections();
        Inbox inbox = new Inbox();
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).listener(rejections).build());
             RawAmqp raw = new RawAmqp(broker, null, null)) {
            try (Subscription member = group(bus, "foreign-dl", inbox)) {
                assertEquals(List.of("xqbus.events.#"), member.addresses());
                raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text("<not-closed marker='foreign-dl'>", null));
                Inbox.await("the foreign message dead-lettered", () -> member.deadLettered() == 1);
            }
            Message dead = receiveDeadLetter(broker, "foreign-dl");
            assertEquals("xqbus.events.PhoneStatus", dead.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS), "not the pattern xqbus.events.#");
            String reason = dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON);
            assertTrue(reason.contains("message without id on xqbus.events.PhoneStatus"), reason);
            assertFalse(reason.contains("null"), reason);
            assertEquals(List.of("message without id on xqbus.events.PhoneStatus"), rejections.ids);
            bus.unsubscribe("foreign-dl");
        }
    }

    /** An Artemis as a user might run it, without the xqbus plugin: no stamp, so only the link and 'to' can say. */
    @Test
    void withoutTheBrokerPluginATypedLinkStillDecidesAndAnUnknownAddressIsSaid(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConfigurationImpl c = new ConfigurationImpl();
        c.setPersistenceEnabled(false);
        c.setSecurityEnabled(false);
        c.setJMXManagementEnabled(false);
        c.setBrokerInstance(dir.toFile());
        c.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        c.addAddressSetting("xqbus.events.#", new AddressSettings().setDefaultAddressRoutingType(RoutingType.MULTICAST));
        c.addAddressConfiguration(new CoreAddressConfiguration().setName(SubscriptionOptions.DEAD_LETTER_ADDRESS).addRoutingType(RoutingType.ANYCAST)
                .addQueueConfig(QueueConfiguration.of(SubscriptionOptions.DEAD_LETTER_ADDRESS).setRoutingType(RoutingType.ANYCAST)));
        EmbeddedActiveMQ artemis = new EmbeddedActiveMQ();
        artemis.setConfiguration(c);
        artemis.start();
        URI uri = URI.create("amqp://127.0.0.1:" + port);
        Rejections rejections = new Rejections();
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(uri).listener(rejections).build());
             RawAmqp raw = new RawAmqp(uri, null, null)) {
            // a subscription whose filters name their types listens on those addresses: its link is the truth,
            // whatever the producer wrote into 'to' and xqbus_address
            Inbox typed = new Inbox();
            try (Subscription s = bus.subscribe("declare namespace f='" + NS + "'; /f:Event/f:ClientPoll", typed)) {
                assertEquals(List.of("xqbus.events.ClientPoll", "xqbus.events"), s.addresses());
                org.apache.qpid.proton.message.Message forged = RawAmqp.text("<Event xmlns='" + NS + "'><NodeLeave><Id>n</Id></NodeLeave></Event>",
                        Map.of(XqBus.PROP_ADDRESS, "xqbus.events.NodeLeave"));
                forged.setAddress("xqbus.events.NodeLeave");
                raw.sendAccepted("xqbus.events.ClientPoll", forged);
                raw.sendAccepted("xqbus.events.ClientPoll", RawAmqp.text("<Event xmlns='" + NS + "' id='poll'><ClientPoll/></Event>", null));
                assertEquals("poll", typed.next().event().id());
                Inbox.await("the forged one rejected", () -> s.rejected() == 1);
                assertTrue(rejections.reasons.get(0).contains("arrived on xqbus.events.ClientPoll"), rejections.reasons.get(0));
            }
            // on a pattern, without 'to' and without the broker's stamp, nobody can tell: the copy says so
            Inbox inbox = new Inbox();
            try (Subscription member = group(bus, "unknown-dl", inbox)) {
                raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text("<not-closed marker='unknown-dl'>", null));
                Inbox.await("dead-lettered", () -> member.deadLettered() == 1);
            }
            Message dead = receiveDeadLetter(uri, "unknown-dl");
            assertEquals("unknown", dead.getStringProperty(SubscriptionOptions.PROP_DL_ADDRESS));
            assertTrue(dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON).contains("message without id on an unknown address"),
                    dead.getStringProperty(SubscriptionOptions.PROP_DL_REASON));
            bus.unsubscribe("unknown-dl");
        } finally {
            artemis.stop();
        }
    }

    static Message receiveDeadLetter(URI broker, String marker) throws Exception {
        Connection c = new JmsConnectionFactory(broker).createConnection();
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
