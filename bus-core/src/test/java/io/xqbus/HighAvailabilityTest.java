package io.xqbus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBroker;
import io.xqbus.broker.EmbeddedBroker.HaRole;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Artemis high availability: a replicated primary/backup pair on loopback; a producer and a durable
 * consumer group connected with a failover URI; the primary stops in the middle of a stream and every
 * event the broker accepted reaches the consumer (at least once).
 */
class HighAvailabilityTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void stoppingThePrimaryMidStreamLosesNoAcceptedEvent(@TempDir Path primaryData, @TempDir Path backupData) throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        try (EmbeddedBroker primary = EmbeddedBroker.builder().port(p1).dataDirectory(primaryData).replication(HaRole.PRIMARY, p2).build().start();
             EmbeddedBroker backup = EmbeddedBroker.builder().port(p2).dataDirectory(backupData).replication(HaRole.BACKUP, p1).build().start()) {
            Inbox.await("the backup to be in sync with the primary", backup::isReplicaSync);
            String uri = "failover:(amqp://127.0.0.1:" + p1 + ",amqp://127.0.0.1:" + p2 + ")";
            Set<String> received = ConcurrentHashMap.newKeySet();
            List<String> accepted = new ArrayList<>();
            try (XqBus consumer = XqBus.connect(BusOptions.builder().broker(uri).reconnect(true).build());
                 XqBus producer = XqBus.connect(BusOptions.builder().broker(uri).reconnect(true).build())) {
                consumer.subscribe(List.of(Filter.compile("ha", "declare namespace f='http://www.gonicus.de/Events'; "
                        + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'ha-')]")), m -> received.add(m.event().id()),
                        SubscriptionOptions.builder().durable("ha").build());
                for (int i = 0; i < 300; i++) {
                    if (i == 100) {
                        primary.stopAndFailOver();
                        Inbox.await("the backup to take over", backup::isActive);
                    }
                    EventBuilder event = EventBuilder.of("NodeAnnounce").add("Id", "ha-" + i);
                    for (int attempt = 1; ; attempt++) {
                        try {
                            accepted.add(producer.publish(event).id());
                            break;
                        } catch (BrokerUnavailableException e) {
                            if (attempt == 5) {
                                throw e;   // the producer retries a send the failover interrupted, as any client would
                            }
                        }
                    }
                }
                Inbox.await("every accepted event at the consumer", () -> received.containsAll(accepted));
                assertTrue(received.containsAll(accepted), "lost: " + accepted.stream().filter(id -> !received.contains(id)).toList());
                assertTrue(consumer.reconnects() >= 1 && producer.reconnects() >= 1, "both moved to the backup");
            }
        }
    }
}
