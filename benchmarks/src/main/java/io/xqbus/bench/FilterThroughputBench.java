package io.xqbus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.xqbus.BusOptions;
import io.xqbus.Filter;
import io.xqbus.PreparedEvent;
import io.xqbus.Receipt;
import io.xqbus.Subscription;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;

/**
 * Issue 5's figure: matched events per second through one consumer with 1, 10 and 100 filters, in the
 * daemon's durable mode (a durable group: transacted, at least once) and in plain fire-and-forget mode.
 * The events are queued first in the durable group (or published while the plain subscription runs), then
 * the consumer drains them; every filter is evaluated on every event, and each event matches exactly one
 * filter ({@code CallerId mod N = i}).
 *
 * <p>Run: {@code bin/xqbus-bench filters [EVENTS]} (default 20000).
 */
public final class FilterThroughputBench {

    private FilterThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (EmbeddedBroker broker = EmbeddedBroker.builder().build().start();
             XqBus bus = XqBus.connect(BusOptions.builder().broker(broker.uri()).build())) {
            System.out.printf("filters: %d events per run, %d cores, embedded broker, one consumer%n",
                    events, Runtime.getRuntime().availableProcessors());
            run(bus, events, 10, true);   // warm-up
            for (int n : new int[] {1, 10, 100}) {
                double durable = run(bus, events, n, true);
                double plain = run(bus, events, n, false);
                System.out.printf("  %3d filter(s): durable group %,8.0f matched events/s   plain %,8.0f matched events/s%n",
                        n, durable, plain);
            }
        }
    }

    private static double run(XqBus bus, int events, int filters, boolean durable) throws Exception {
        List<Filter> list = new ArrayList<>();
        for (int i = 0; i < filters; i++) {
            list.add(Filter.compile("f" + i, "declare namespace f='http://www.gonicus.de/Events'; "
                    + "/f:Event/f:PhoneStatus[xs:integer(f:CallerId) mod " + filters + " = " + i + "]"));
        }
        AtomicLong matched = new AtomicLong();
        SubscriptionOptions options = durable ? SubscriptionOptions.builder().durable("bench-" + filters).build() : SubscriptionOptions.DEFAULT;
        long start;
        if (durable) {
            bus.subscribe(list, m -> matched.incrementAndGet(), options).close();
            publish(bus, events);
            start = System.nanoTime();
            try (Subscription s = bus.subscribe(list, m -> matched.incrementAndGet(), options)) {
                await(matched, events);
            }
            bus.unsubscribe("bench-" + filters);
        } else {
            try (Subscription s = bus.subscribe(list, m -> matched.incrementAndGet(), options)) {
                start = System.nanoTime();
                publish(bus, events);
                await(matched, events);
            }
        }
        return events * 1e9 / (System.nanoTime() - start);
    }

    private static void publish(XqBus bus, int events) throws Exception {
        List<CompletableFuture<Receipt>> sent = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String xml = Events.phoneStatus(i);
            sent.add(bus.publishAsync(PreparedEvent.prepare(xml, "bench", bus.schemas(), bus.options().limits())));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new)).join();
    }

    private static void await(AtomicLong counter, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (counter.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counter.get() + " of " + n + " matched");
            }
            Thread.sleep(2);
        }
    }
}
