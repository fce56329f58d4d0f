package io.xqbus.events;

// README.md, section "Embedding", shows this file from here to the end: it compiles with the build.
import java.time.Duration;
import java.util.List;

import io.xqbus.BusOptions;
import io.xqbus.Event;
import io.xqbus.EventBuilder;
import io.xqbus.OnEvent;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;

/** A small service that reacts to nodes coming and going, and announces its own. */
public class ReadmeExample {

    /** Handlers: each method is a filter; they run one at a time on the subscription's thread. */
    static class NodeWatcher {
        @OnEvent(type = NodeAnnounce.class, priority = 10)
        void announced(NodeAnnounce node, Event meta) {
            System.out.println(node.getId() + " came up (event " + meta.id() + ", seq " + meta.seq() + ")");
        }

        @OnEvent(query = "declare namespace f = 'http://www.gonicus.de/Events';"
                + " /f:Event/f:NodeStatus[f:Load > 0.9]")
        void overloaded(Event e) {
            System.out.println(e.value("Id") + " is overloaded");
        }
    }

    public static void run(String brokerUri) throws Exception {
        BusOptions options = BusOptions.builder()
                .broker(brokerUri)              // amqp://…, amqps://…, failover:(…)
                .source("node-watcher")
                .reconnect(true)                // a service: reconnect for ever
                .build();
        try (XqBus bus = XqBus.connect(options)) {
            // a durable group: events wait while the service is down; several instances share them
            Subscription watcher = bus.register(new NodeWatcher(),
                    SubscriptionOptions.builder().durable("node-watcher").suppressDuplicates(10_000).build());

            NodeAnnounce me = new NodeAnnounce();
            me.setId("watcher-1");
            bus.publish(me);                                         // typed, validated, acknowledged

            bus.publishBatch(List.of(                                // all or nothing
                    EventBuilder.of("NodeLeave").add("Id", "n7"),
                    EventBuilder.of("NodeAnnounce").add("Id", "n8")));

            watcher.drain(Duration.ofSeconds(5));                    // finish what is in flight
        }
    }
}
