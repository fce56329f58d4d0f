package io.xqbus;

import java.net.ServerSocket;
import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code publish} returns once the broker accepted the event, whatever the delivery mode: a broker that refuses
 * an event (here: its address is full and the broker's policy is to fail sends) makes the call throw, also with
 * {@code persistent(false)}, which qpid-jms would otherwise send without waiting for the broker's answer.
 */
@Timeout(60)
class PublishAcceptanceTest {

    static final String ADDRESS = "xqbus.events.NodeLeave";

    @TempDir
    static Path dir;
    static EmbeddedActiveMQ broker;
    static String uri;

    /** Artemis whose event address keeps what it gets in a queue nobody reads and refuses sends once that holds 1 KiB. */
    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        uri = "amqp://127.0.0.1:" + port;
        ConfigurationImpl c = new ConfigurationImpl();
        c.setPersistenceEnabled(false);
        c.setSecurityEnabled(false);
        c.setJMXManagementEnabled(false);
        c.setJournalType(JournalType.NIO);
        c.setBrokerInstance(dir.toFile());
        c.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        c.addAddressSetting("#", new AddressSettings().setMaxSizeBytes(1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL));
        c.addAddressConfiguration(new CoreAddressConfiguration().setName(ADDRESS).addRoutingType(RoutingType.MULTICAST)
                .addQueueConfig(QueueConfiguration.of("held").setAddress(ADDRESS).setRoutingType(RoutingType.MULTICAST)));
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(c);
        broker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.stop();
    }

    @Test
    void aRefusedNonPersistentPublishThrows() throws Exception {
        assertRefused(false);
    }

    @Test
    void aRefusedPersistentPublishThrows() throws Exception {
        assertRefused(true);
    }

    /** Publishes until the address is full: the publish the broker refuses throws, naming the address. */
    static void assertRefused(boolean persistent) throws Exception {
        broker.getActiveMQServer().locateQueue("held").deleteAllReferences();
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(java.net.URI.create(uri)).persistent(persistent).build())) {
            for (int i = 0; i < 50; i++) {
                try {
                    bus.publish(EventBuilder.of("NodeLeave").add("Id", "full-" + i));
                } catch (XqBusException refused) {
                    assertTrue(i > 0, "the first event fits: " + refused.getMessage());
                    assertTrue(refused.getMessage().contains(ADDRESS), refused.getMessage());
                    return;
                }
            }
            fail("50 events of about 500 bytes each were published to an address that holds 1 KiB, and no publish threw"
                    + (persistent ? "" : " (non-persistent sends not waited for)"));
        }
    }
}
