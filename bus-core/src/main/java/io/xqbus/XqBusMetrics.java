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
        counter(registry, "xqbus.published", "events published", c -> c.published.sum());
        counter(registry, "xqbus.received", "messages received by subscriptions", c -> c.received.sum());
        counter(registry, "xqbus.filter.errors", "filter evaluations that failed or overran (counted as no match)", c -> c.filterErrors.sum());
        counter(registry, "xqbus.rejected", "messages that were not acceptable events", c -> c.rejected.sum());
        counter(registry, "xqbus.handler.errors", "handler calls that threw", c -> c.handlerErrors.sum());
        counter(registry, "xqbus.dead.lettered", "events republished to the dead-letter address", c -> c.deadLettered.sum());
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

    /**
     * Micrometer holds a function meter's object only weakly: the object is the bus's own counters (alive as long as
     * the bus), never a lambda or method reference only Micrometer would reference (collected at the next GC, after
     * which the meter reads 0).
     */
    private void counter(MeterRegistry registry, String name, String description, java.util.function.ToLongFunction<BusCounters> value) {
        FunctionCounter.builder(name, counters, value::applyAsLong).description(description).register(registry);
    }
}
