package io.xqbus.broker;

import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded broker over a real AMQP connection: addressing rules and persistence. */
@ExtendWith(EmbeddedBrokerExtension.class)
class EmbeddedBrokerTest {

    static final long DEADLINE_MS = 20_000;

    @Test
    void theExtensionHandsOverARunningBrokerOnLoopback(EmbeddedBroker broker, URI uri) {
        assertTrue(broker.isRunning());
        assertEquals(broker.uri(), uri);
        assertEquals("127.0.0.1", uri.getHost());
        assertTrue(uri.getPort() > 0);
    }

    /**
     * #23 item 1: the broker writes the address it routed to into {@value AddressStampPlugin#PROPERTY}, over what the
     * producer put there, also for a large message (re-encoded differently by Artemis) and across a restart;
     * addresses outside the prefix are left alone.
     */
    @Test
    void theBrokerStampsTheAddressItRoutedToOverTheProducersClaim(@TempDir Path data) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).build().start()) {
            Connection c = new JmsConnectionFactory(broker.uri()).createConnection();
            try {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createSharedDurableConsumer(s.createTopic("xqbus.events.#"), "stamp").close();
                MessageProducer producer = s.createProducer(s.createTopic("xqbus.events.ClientPoll"));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (String body : new String[] {"small", "large" + "x".repeat(300_000)}) {
                    TextMessage m = s.createTextMessage(body);
                    m.setStringProperty(AddressStampPlugin.PROPERTY, "xqbus.events.NodeLeave");   // a forged claim
                    producer.send(m);
                }
                MessageProducer other = s.createProducer(s.createQueue("elsewhere"));
                TextMessage kept = s.createTextMessage("elsewhere");
                kept.setStringProperty(AddressStampPlugin.PROPERTY, "as-sent");
                other.send(kept);
            } finally {
                c.close();
            }
            broker.stop();
            broker.start();
            c = new JmsConnectionFactory(broker.uri()).createConnection();
            try {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer group = s.createSharedDurableConsumer(s.createTopic("xqbus.events.#"), "stamp");
                for (String expected : new String[] {"small", "large"}) {
                    Message m = group.receive(DEADLINE_MS);
                    assertNotNull(m, expected + " missing after the restart");
                    assertTrue(((TextMessage) m).getText().startsWith(expected));
                    assertEquals("xqbus.events.ClientPoll", m.getStringProperty(AddressStampPlugin.PROPERTY), expected);
                }
                Message elsewhere = s.createConsumer(s.createQueue("elsewhere")).receive(DEADLINE_MS);
                assertNotNull(elsewhere);
                assertEquals("as-sent", elsewhere.getStringProperty(AddressStampPlugin.PROPERTY), "outside the prefix: not touched");
            } finally {
                c.close();
            }
        }
    }

    @Test
    void thePluginReadsItsPrefixFromBrokerXml() {
        AddressStampPlugin plugin = new AddressStampPlugin();
        assertEquals(EmbeddedBroker.DEFAULT_PREFIX, plugin.prefix());
        plugin.init(java.util.Map.of(AddressStampPlugin.PREFIX_KEY, "acme.events"));
        assertEquals("acme.events", plugin.prefix());
    }

    @Test
    void everyAddressUnderThePrefixIsATopicWhateverTheSenderSays(URI uri) throws Exception {
        Connection c = new JmsConnectionFactory(uri).createConnection();
        try {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer first = s.createConsumer(s.createTopic("xqbus.events.#"));
            MessageConsumer second = s.createConsumer(s.createTopic("xqbus.events.#"));
            // a JMS topic, a foreign sender's topic:// prefix, and the bare prefix: all fan out to every subscriber
            s.createProducer(s.createTopic("xqbus.events.A")).send(s.createTextMessage("a"));
            s.createProducer(null).send(s.createQueue("topic://xqbus.events.B"), s.createTextMessage("b"));
            s.createProducer(s.createTopic("xqbus.events")).send(s.createTextMessage("c"));
            for (MessageConsumer consumer : new MessageConsumer[] {first, second}) {
                StringBuilder got = new StringBuilder();
                for (int i = 0; i < 3; i++) {
                    Message m = consumer.receive(DEADLINE_MS);
                    assertNotNull(m, "message " + i + " missing; got " + got);
                    got.append(((TextMessage) m).getText());
                }
                assertEquals("abc", got.toString());
            }
        } finally {
            c.close();
        }
    }

    @Test
    void broaderSecurityMatchesCoverNarrowerOnes() {
        assertTrue(EmbeddedBroker.covers("xqbus.events.#", "xqbus.events.PhoneStatus"));
        assertTrue(EmbeddedBroker.covers("#", "xqbus.events.#"));
        assertTrue(EmbeddedBroker.covers("xqbus.events.#", "xqbus.events"));
        assertTrue(EmbeddedBroker.covers("xqbus.*.PhoneStatus", "xqbus.events.PhoneStatus"));
        assertFalse(EmbeddedBroker.covers("xqbus.events.PhoneStatus", "xqbus.events.#"));
        assertFalse(EmbeddedBroker.covers("xqbus.events.*", "xqbus.events.#"));
        assertFalse(EmbeddedBroker.covers("xqbus.dead-letter", "xqbus.events.PhoneStatus"));
    }

    @Test
    void theDeadLetterAddressKeepsItsMessages(URI uri) throws Exception {
        Connection c = new JmsConnectionFactory(uri).createConnection();
        try {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(EmbeddedBroker.DEAD_LETTER_ADDRESS)).send(s.createTextMessage("dead"));
            Message m = s.createConsumer(s.createQueue(EmbeddedBroker.DEAD_LETTER_ADDRESS)).receive(DEADLINE_MS);
            assertNotNull(m);
            assertEquals("dead", ((TextMessage) m).getText());
        } finally {
            c.close();
        }
    }

    @Test
    void aPersistentBrokerKeepsMessagesAcrossARestart(@TempDir Path data) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDirectory(data).build().start()) {
            int port = broker.port();
            send(broker.uri(), "kept");
            broker.stop();
            assertFalse(broker.isRunning());
            broker.start();
            assertEquals(port, broker.port(), "a restarted broker keeps its port");
            Connection c = new JmsConnectionFactory(broker.uri()).createConnection();
            try {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Message m = s.createConsumer(s.createQueue("kept-queue")).receive(DEADLINE_MS);
                assertNotNull(m, "the persistent message was lost in the restart");
                assertEquals("kept", ((TextMessage) m).getText());
            } finally {
                c.close();
            }
        }
    }

    private static void send(URI uri, String text) throws Exception {
        Connection c = new JmsConnectionFactory(uri).createConnection();
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("kept-queue"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            p.send(s.createTextMessage(text));
        } finally {
            c.close();
        }
    }
}
