package io.xqbus;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A symmetric two-node Artemis cluster shares one consumer group's load; nothing is lost or doubled. */
class ClusterTest {

    @Test
    void twoNodesShareAConsumerGroup(@TempDir Path a, @TempDir Path b) throws Exception {
        int p1 = HighAvailabilityTest.freePort();
        int p2 = HighAvailabilityTest.freePort();
        try (EmbeddedBroker n1 = EmbeddedBroker.builder().port(p1).dataDirectory(a).cluster(p2).build().start();
             EmbeddedBroker n2 = EmbeddedBroker.builder().port(p2).dataDirectory(b).cluster(p1).build().start();
             XqBus on1 = XqBus.connect(BusOptions.builder().broker(n1.uri()).build());
             XqBus on2 = XqBus.connect(BusOptions.builder().broker(n2.uri()).build())) {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger at1 = new AtomicInteger();
            AtomicInteger at2 = new AtomicInteger();
            List<Filter> filters = List.of(Filter.compile("c", "declare namespace f='http://www.gonicus.de/Events'; "
                    + "/f:Event/f:NodeAnnounce[starts-with(f:Id, 'cl-')]"));
            SubscriptionOptions group = SubscriptionOptions.builder().durable("cluster-group").build();
            on1.subscribe(filters, m -> { at1.incrementAndGet(); if (!ids.add(m.event().id())) duplicates.incrementAndGet(); }, group);
            on2.subscribe(filters, m -> { at2.incrementAndGet(); if (!ids.add(m.event().id())) duplicates.incrementAndGet(); }, group);
            Inbox.await("both nodes to see each other", () -> n1.clusterNodes() == 2 && n2.clusterNodes() == 2);
            for (int i = 0; i < 400; i++) {
                on1.publish(EventBuilder.of("NodeAnnounce").add("Id", "cl-" + i));
            }
            Inbox.await("400 events across both nodes", () -> ids.size() >= 400);
            assertEquals(400, ids.size());
            assertEquals(0, duplicates.get());
            assertTrue(at2.get() > 0, "the node without the producer received its share: " + at1 + "/" + at2);
        }
    }
}
