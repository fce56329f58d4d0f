package io.xqbus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What a bus has done since it connected, summed over all its subscriptions (also closed ones): the
 * figures {@link XqBusMetrics} publishes. Thread-safe and cheap (adders).
 */
final class BusCounters {

    final LongAdder published = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder filterErrors = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder handlerCalls = new LongAdder();
    final LongAdder handlerNanos = new LongAdder();
    final Map<String, LongAdder> matchedByFilter = new ConcurrentHashMap<>();
    private volatile Consumer<String> newFilter = name -> { };

    void matched(String filter) {
        matchedByFilter.computeIfAbsent(filter, name -> {
            LongAdder a = new LongAdder();
            newFilter.accept(name);
            return a;
        }).increment();
    }

    /** Called with each filter name seen for the first time (after those already known). */
    void onNewFilter(Consumer<String> callback) {
        newFilter = callback;
    }
}
