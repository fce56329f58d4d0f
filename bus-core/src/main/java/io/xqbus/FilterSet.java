package io.xqbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.XQueryEvaluator;
import net.sf.saxon.s9api.XdmAtomicValue;
import net.sf.saxon.s9api.XdmEmptySequence;
import net.sf.saxon.s9api.XdmItem;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmValue;
import net.sf.saxon.trans.UncheckedXPathException;
import net.sf.saxon.trans.XPathException;

import io.xqbus.internal.Printable;
import io.xqbus.internal.filter.EffectiveBoolean;
import io.xqbus.internal.filter.FilterGuard;
import io.xqbus.internal.filter.FilterIndex;
import io.xqbus.internal.xml.SecureXml;

/**
 * Filters matched against events without a broker: the engine every subscription runs, usable on its own
 * to test filters, in tools and in benchmarks. An event is parsed once; a filter index (brief §4: type
 * derivation and hashed equality predicates) picks the filters worth evaluating; filters that can run long
 * are evaluated under the time limit and quarantined when they keep overrunning; a filter's dynamic error
 * is no match for that event, counted and reported.
 *
 * <pre>{@code
 * try (FilterSet set = FilterSet.of(List.of(Filter.compile("busy", "declare namespace f='…'; /f:Event/f:PhoneStatus[f:Status='busy']")))) {
 *     List<Match> matches = set.match(Files.readString(Path.of("event.xml")));
 * }
 * }</pre>
 *
 * Not thread-safe (it keeps one evaluator per filter): use one per thread. Close it to stop its guard thread.
 *
 * @since 0.1
 */
public final class FilterSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilterSet.class);

    /** Receives the matches of one event, in filter order; returns false to stop evaluating that event. */
    @FunctionalInterface
    interface MatchSink {
        boolean accept(Match match) throws Exception;
    }

    private final List<Filter> filters;
    private final Limits limits;
    private final BusListener listener;
    private final FilterIndex index;
    private final XQueryEvaluator[] evaluators;
    private final int[] overrunsPerFilter;
    private final boolean[] quarantined;
    private final FilterGuard guard;
    private final AtomicLong filterErrors = new AtomicLong();
    private java.util.concurrent.atomic.LongAdder sharedErrors = new java.util.concurrent.atomic.LongAdder();
    private final AtomicLong overruns = new AtomicLong();
    /** Per filter: the check of its property variables (null for a filter without any, or once decided). */
    private final PropertyCheck[] propertyChecks;
    private final boolean bindsProperties;

    /**
     * How many evaluations of a filter show whether each of its property variables ever met a property of that
     * name; a variable that met none is most likely misspelt, and is warned about once.
     */
    static final int PROPERTY_CHECK_EVENTS = 10;

    FilterSet(List<Filter> filters, Limits limits, BusListener listener, boolean indexed) {
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("a filter set needs at least one filter");
        }
        requireDistinctNames(filters);
        this.filters = List.copyOf(filters);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.index = new FilterIndex(filters.stream().map(f -> indexed ? f.shape() : null).toList());
        this.evaluators = new XQueryEvaluator[filters.size()];
        this.overrunsPerFilter = new int[filters.size()];
        this.quarantined = new boolean[filters.size()];
        this.guard = new FilterGuard(filters.get(0).name());
        this.propertyChecks = new PropertyCheck[filters.size()];
        boolean any = false;
        for (int i = 0; i < filters.size(); i++) {
            Set<String> vars = filters.get(i).propertyVariables();
            if (!vars.isEmpty()) {
                propertyChecks[i] = new PropertyCheck(vars);
                any = true;
            }
        }
        this.bindsProperties = any;
    }

    /** Whether a filter declares a variable bound to a message property (so events need their properties). */
    boolean bindsProperties() {
        return bindsProperties;
    }

    /**
     * Refuses two filters of one name: matches, handlers and counters are keyed by it, so the second would
     * take the first one's events and merge its counts.
     *
     * @throws IllegalArgumentException naming the name and the positions of the two filters
     */
    static void requireDistinctNames(List<Filter> filters) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < filters.size(); i++) {
            Integer first = seen.putIfAbsent(filters.get(i).name(), i);
            if (first != null) {
                throw new IllegalArgumentException("two filters are named '" + filters.get(i).name() + "' (filters " + (first + 1)
                        + " and " + (i + 1) + " of " + filters.size() + "): give each filter of a subscription its own name");
            }
        }
    }

    /** A filter set with the default limits. */
    public static FilterSet of(List<Filter> filters) {
        return new FilterSet(filters, Limits.DEFAULT, new BusListener() { }, true);
    }

    /** A filter set with these limits, reporting filter errors and quarantines to the listener. */
    public static FilterSet of(List<Filter> filters, Limits limits, BusListener listener) {
        return new FilterSet(filters, limits, listener, true);
    }

    /**
     * A filter set that evaluates every filter on every event, without the index — the plain one-by-one
     * evaluation, for comparison and benchmarks. It gives the same matches, slower.
     */
    public static FilterSet unindexed(List<Filter> filters) {
        return new FilterSet(filters, Limits.DEFAULT, new BusListener() { }, false);
    }

    /**
     * Parses an event (a whole {@code Event} or a bare payload; not validated) and returns every match, in
     * filter order.
     *
     * @throws InvalidEventException when it is not an acceptable event
     */
    public List<Match> match(String eventXml) throws InvalidEventException {
        return matchesOf(EventReader.read(SecureXml.text(eventXml, null), "<event text>", limits, null, null, null));
    }

    /** The matches of an event already received (for example from a subscription or a capture), in filter order. */
    public List<Match> matchesOf(Event event) {
        List<Match> out = new ArrayList<>();
        try {
            evaluate(event, () -> false, out::add);
        } catch (Exception e) {
            throw new IllegalStateException("collecting matches cannot fail", e);
        }
        return out;
    }

    /** The filters, in evaluation order. */
    public List<Filter> filters() {
        return filters;
    }

    /** Dynamic errors of filters, overruns included (each counted as no match). */
    public long filterErrors() {
        return filterErrors.get();
    }

    /** Evaluations stopped at the time limit. */
    public long overruns() {
        return overruns.get();
    }

    /** The filters quarantined for overrunning their time limit too often; they are no longer evaluated. */
    public synchronized List<String> quarantined() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            if (quarantined[i]) {
                out.add(filters.get(i).name());
            }
        }
        return out;
    }

    /**
     * Evaluates the filters on an event, handing each match to the sink in filter order.
     *
     * @return false when the sink or {@code stop} ended the evaluation early
     */
    boolean evaluate(Event event, java.util.function.BooleanSupplier stop, MatchSink sink) throws Exception {
        XdmNode payload = event.payload();
        for (int i : index.candidates(payload)) {
            if (stop.getAsBoolean()) {
                return false;
            }
            if (quarantined[i]) {
                continue;
            }
            Filter filter = filters.get(i);
            XdmValue result;
            if (index.exact(i)) {
                result = index.decide(i, payload);   // decided by the index: the payload or true, without XQuery
                if (result == null) {
                    continue;
                }
            } else {
                result = evaluateOne(i, filter, event);
                if (result == null) {
                    continue;
                }
            }
            if (!sink.accept(new Match(filter.name(), event, result))) {
                return false;
            }
        }
        return true;
    }

    /** The result when filter i matches, or null for no match (errors and overruns counted and reported). */
    private XdmValue evaluateOne(int i, Filter filter, Event event) {
        try {
            XdmValue result = filter.guarded() ? guard.run(() -> bounded(i, event), limits.filterTime()) : bounded(i, event);
            return EffectiveBoolean.of(result) ? result : null;
        } catch (TimeoutException e) {
            evaluators[i] = null;   // it belonged to the stopped thread
            overrun(i, filter, event);
        } catch (SaxonApiException e) {
            failed(filter, event, e.getErrorCode() == null ? null : e.getErrorCode().getLocalName(), e.getMessage());
        } catch (XPathException e) {
            failed(filter, event, code(e), e.getMessage());
        } catch (UncheckedXPathException e) {
            failed(filter, event, code(e.getXPathException()), e.getMessage());
        } catch (Exception e) {
            failed(filter, event, null, e.getMessage());
        } catch (OutOfMemoryError | StackOverflowError e) {
            // the inline path (#23 item 8): this filter's own allocation or recursion failed and has unwound; the
            // other filters still see the event. Other Errors propagate (the subscription stops, #23 item 6)
            evaluators[i] = null;   // it may have been left mid-evaluation
            failed(filter, event, null, FilterGuard.describe(e));
        }
        return null;
    }

    /** Evaluates one filter, reading at most the result size limit (lazily: a huge result is never built whole). */
    private XdmValue bounded(int i, Event event) throws SaxonApiException {
        XQueryEvaluator ev = evaluators[i];
        if (ev == null) {
            ev = filters.get(i).executable().load();
            ev.setTraceFunctionDestination(null);
            evaluators[i] = ev;
        }
        bind(ev, filters.get(i), event);
        PropertyCheck check = propertyChecks[i];
        if (check != null && check.decided(event.properties())) {
            propertyChecks[i] = null;
            if (!check.unmatched.isEmpty()) {
                LOG.warn("filter {} declares ${}, but none of its first {} events had a message property of that name (properties seen: {}); "
                                + "such a variable is the empty sequence: check its spelling",
                        Printable.of(filters.get(i).name()), String.join(", $", check.unmatched), PROPERTY_CHECK_EVENTS,
                        check.seen.isEmpty() ? "none" : Printable.of(String.join(", ", check.seen)));
            }
        }
        List<XdmItem> items = new ArrayList<>();
        for (var it = ev.iterator(); it.hasNext(); ) {
            if (items.size() >= limits.maxResultItems()) {
                it.close();
                throw new SaxonApiException("the result has more than " + limits.maxResultItems() + " items (the limit)");
            }
            items.add(it.next());
        }
        return items.size() == 1 ? items.get(0) : new XdmValue(items);
    }

    private static void bind(XQueryEvaluator ev, Filter filter, Event event) throws SaxonApiException {
        ev.setContextItem(event.document());
        for (String v : filter.declaredVariables()) {
            XdmValue value = switch (v) {
                case "type" -> atomic(event.type());
                case "ns" -> atomic(event.namespace());
                case "source" -> atomic(event.source());
                case "producer" -> atomic(event.producer());
                case "id" -> atomic(event.id());
                case "seq" -> event.seq() == null ? XdmEmptySequence.getInstance() : new XdmAtomicValue(event.seq());
                default -> property(event.properties().get(v));
            };
            ev.setExternalVariable(Filter.variable(v), value);
        }
    }

    /** A message property as the variable's value, typed as sent; the empty sequence when absent. */
    private static XdmValue property(Object value) {
        if (value instanceof Long l) {
            return new XdmAtomicValue(l);
        }
        if (value instanceof Double d) {
            return new XdmAtomicValue(d);
        }
        if (value instanceof Boolean b) {
            return new XdmAtomicValue(b);
        }
        return value == null ? XdmEmptySequence.getInstance() : new XdmAtomicValue(value.toString());
    }

    /** Which property variables of a filter have met a property so far, over its first evaluations. */
    private static final class PropertyCheck {
        private static final int MAX_SEEN = 20;
        final Set<String> unmatched;
        final Set<String> seen = new java.util.TreeSet<>();
        private int events;

        PropertyCheck(Set<String> variables) {
            this.unmatched = new java.util.TreeSet<>(variables);
        }

        /** Records one event's properties; true once the check is decided (all matched, or enough events seen). */
        boolean decided(java.util.Map<String, Object> properties) {
            unmatched.removeAll(properties.keySet());
            for (String name : properties.keySet()) {
                if (seen.size() < MAX_SEEN) {
                    seen.add(name.length() <= 64 ? name : name.substring(0, 64) + "…");
                }
            }
            return unmatched.isEmpty() || ++events >= PROPERTY_CHECK_EVENTS;
        }
    }

    private static XdmValue atomic(String s) {
        return s == null ? XdmEmptySequence.getInstance() : new XdmAtomicValue(s);
    }

    private synchronized void overrun(int i, Filter filter, Event event) {
        overruns.incrementAndGet();
        Duration limit = limits.filterTime();
        failed(filter, event, "XQBUS0001", "ran longer than " + limit.toMillis() + " ms and was stopped; counted as no match");
        if (++overrunsPerFilter[i] >= limits.maxOverruns()) {
            quarantined[i] = true;
            String reason = "overran its time limit " + overrunsPerFilter[i] + " times";
            LOG.error("filter {} quarantined: {}; it is no longer evaluated here", filter.name(), reason);
            try {
                listener.filterQuarantined(filter.name(), reason);
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
        }
    }

    /** Also counts filter errors in this adder (the bus's totals). */
    void countErrorsIn(java.util.concurrent.atomic.LongAdder adder) {
        this.sharedErrors = adder;
    }

    private void failed(Filter filter, Event event, String code, String message) {
        filterErrors.incrementAndGet();
        sharedErrors.increment();
        LOG.warn("filter {} failed on event {}: {} {}", Printable.of(filter.name()), Printable.of(event.id()), code, Printable.of(message));
        try {
            listener.filterFailed(filter.name(), event.id(), code, message);
        } catch (RuntimeException ignored) {
            // listeners must not throw
        }
    }

    private static String code(XPathException e) {
        return e.getErrorCodeQName() == null ? null : e.getErrorCodeQName().getLocalPart();
    }

    @Override
    public void close() {
        guard.close();
    }
}
