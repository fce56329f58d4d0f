package io.xqbus;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes a bus's counters to Micrometer (optional: add {@code io.micrometer:micrometer-core} to use it):
 * {@code xqbus.published}, {@code xqbus.received}, {@code xqbus.matched} (tag {@code filter}),
 * {@code xqbus.filter.errors}, {@code xqbus.rejected}, {@code xqbus.handler.errors},
 * {@code xqbus.dead.lettered} and the timer {@code xqbus.handler} (time spent in handlers).
 *
 * <pre>{@code
 * new XqBusMetrics(bus).bindTo(meterRegistry);
 * }</pre>
 *
 * @since 0.1
 */
public final class XqBusMetrics implements MeterBinder {

    private final BusCounters counters;

    public XqBusMetrics(XqBus bus) {
        this.counters = bus.counters();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "xqbus.published", "events published", counters.published::sum);
        counter(registry, "xqbus.received", "messages received by subscriptions", counters.received::sum);
        counter(registry, "xqbus.filter.errors", "filter evaluations that failed or overran (counted as no match)", counters.filterErrors::sum);
        counter(registry, "xqbus.rejected", "messages that were not acceptable events", counters.rejected::sum);
        counter(registry, "xqbus.handler.errors", "handler calls that threw", counters.handlerErrors::sum);
        counter(registry, "xqbus.dead.lettered", "events republished to the dead-letter address", counters.deadLettered::sum);
        FunctionTimer.builder("xqbus.handler", counters, c -> c.handlerCalls.sum(), c -> c.handlerNanos.sum(), TimeUnit.NANOSECONDS)
                .description("time spent in handlers").register(registry);
        counters.matchedByFilter.keySet().forEach(name -> matched(registry, name));
        counters.onNewFilter(name -> matched(registry, name));
    }

    private void matched(MeterRegistry registry, String filter) {
        FunctionCounter.builder("xqbus.matched", counters, c -> {
                    var adder = c.matchedByFilter.get(filter);
                    return adder == null ? 0 : adder.sum();
                })
                .description("matches delivered to handlers").tag("filter", filter).register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String description, java.util.function.LongSupplier value) {
        FunctionCounter.builder(name, value, v -> v.getAsLong()).description(description).register(registry);
    }
}
