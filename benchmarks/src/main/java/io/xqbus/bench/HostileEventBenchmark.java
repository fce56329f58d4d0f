package io.xqbus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.xqbus.Filter;
import io.xqbus.FilterSet;
import io.xqbus.InvalidEventException;

/**
 * A consumer's cost of the costliest single events a producer can build, next to an ordinary 1 KB event
 * (issue 23, items 4–6): each event read into a tree and matched against 10 filters ({@link FilterSet#match}),
 * or refused. {@code ordinary}: the 1 KB Reading event; {@code known-names}: 20,000 elements whose names were
 * met before (1 MB); {@code collide}: 20,000 element names sharing one hash code, a new code each event
 * (920 KB, refused); {@code new-names}: 20,000 element names never met, new each event (refused at the
 * per-event bound); and {@link Fresh}: the costliest event that is accepted, 1 MB with as many new names and
 * namespace URIs as one event may bring (timed one event at a time, as each spends admission budget).
 * One thread, microseconds per event. Run: {@code bin/xqbus-bench jmh HostileEventBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class HostileEventBenchmark {

    @Param({"ordinary", "known-names", "collide", "new-names"})
    public String kind;

    private FilterSet filters;
    private String event;
    private int round;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<Filter> list = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            list.add(Filter.compile("f" + i, "declare namespace f='" + Events.BENCH_NS + "'; /f:Event/f:Reading[f:Sensor = 's" + i + "']"));
        }
        filters = FilterSet.of(list);
        if (kind.equals("known-names")) {
            meetKnownNames(filters);
            event = wide("K", 0, 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        filters.close();
    }

    @Setup(Level.Invocation)
    public void nextEvent() {
        round++;
        switch (kind) {
            case "ordinary" -> event = "<Event xmlns=\"" + Events.BENCH_NS + "\">"
                    + Events.reading(round, round).replace(" xmlns=\"" + Events.BENCH_NS + "\"", "") + "</Event>";
            case "collide" -> event = colliding(round);
            case "new-names" -> event = wide("N" + round + "x", 0, 0);
            default -> { }
        }
    }

    /** Brings the names K0 … K19999 into the process, 900 an event (one event may bring at most 1,000). */
    static void meetKnownNames(FilterSet filters) throws InvalidEventException {
        for (int from = 0; from < 20_000; from += 900) {
            StringBuilder b = new StringBuilder("<Event xmlns=\"" + Events.BENCH_NS + "\"><Reading>");
            for (int i = from; i < Math.min(from + 900, 20_000); i++) {
                b.append("<K").append(i).append("/>");
            }
            filters.match(b.append("</Reading></Event>").toString());
        }
    }

    /**
     * 20,000 elements: the first {@code fresh} named prefix + i, the rest K + i (met in set-up), the first
     * {@code uris} of them each in a namespace of its own, new for this prefix.
     */
    static String wide(String prefix, int fresh, int uris) {
        StringBuilder b = new StringBuilder("<Event xmlns=\"" + Events.BENCH_NS + "\"><Reading>");
        for (int i = 0; i < 20_000; i++) {
            String name = i < fresh || fresh == 0 ? prefix + i : "K" + i;
            b.append('<').append(name);
            if (i < uris) {
                b.append(" xmlns=\"urn:xqbus:hostile:").append(prefix).append(':').append(i).append('"');
            }
            b.append(">v</").append(name).append('>');
        }
        return b.append("</Reading></Event>").toString();
    }

    /** 20,000 local names of one String hash code ("Aa" and "BB" hash alike), a new code each round. */
    private static String colliding(int round) {
        StringBuilder b = new StringBuilder("<Event xmlns=\"" + Events.BENCH_NS + "\"><Reading>");
        String head = "H" + round + "_";
        for (int n = 0; n < 20_000; n++) {
            b.append('<').append(head);
            for (int bit = 0; bit < 15; bit++) {
                b.append((n >> bit & 1) == 0 ? "Aa" : "BB");
            }
            b.append("/>");
        }
        return b.append("</Reading></Event>").toString();
    }

    @Benchmark
    public Object read() {
        try {
            return filters.match(event);
        } catch (InvalidEventException refused) {
            return refused;
        }
    }

    /** The costliest accepted event, one at a time: 1 MB, 16 new namespace URIs and 960 new names. */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 60)
    @Measurement(iterations = 200)
    @Fork(value = 1, jvmArgs = {"-Xmx1g"})
    public static class Fresh {
        private FilterSet filters;
        private String event;
        private int round;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            filters = FilterSet.of(List.of(Filter.compile("f", "declare namespace f='" + Events.BENCH_NS + "'; /f:Event/f:Reading[f:K1 = 'v']")));
            meetKnownNames(filters);
        }

        @Setup(Level.Iteration)
        public void nextEvent() {
            event = wide("F" + (++round) + "x", 960, 16);
        }

        @Benchmark
        public Object read() throws InvalidEventException {
            return filters.match(event);   // accepted: a refusal fails the run
        }
    }
}
