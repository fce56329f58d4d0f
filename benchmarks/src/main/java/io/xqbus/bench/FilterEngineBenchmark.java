package io.xqbus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

import io.xqbus.Event;
import io.xqbus.Filter;
import io.xqbus.FilterSet;
import io.xqbus.Match;

/**
 * The filter engine (issue 9): a 1 KB event (100 types) matched against N filters with equality predicates
 * ({@code /f:Event/f:T7[f:Sensor = 's12']}, on Sensor, Site and Kind), through the index
 * ({@code indexed=true}) or evaluating every filter one by one ({@code indexed=false}). One thread. Two
 * measures: {@code parseAndMatch}, the whole work per event text (the one parse included), and {@code match},
 * the filters alone on events already parsed (what the number of filters changes).
 * Run: {@code benchmarks/filter-engine.sh} (the indexed engine at 1, 1,000 and 10,000 filters, and plain
 * evaluation at 1 and 1,000 — plain evaluation of 10,000 filters is left out: minutes per iteration).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class FilterEngineBenchmark {

    static final int TYPES = 100;

    @Param({"1", "1000", "10000"})
    public int filters;

    @Param({"true", "false"})
    public boolean indexed;

    private FilterSet set;
    private String[] events;
    private Event[] parsed;
    private int next;
    private long matches;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        set = build(filters, indexed);
        events = new String[1024];
        for (int i = 0; i < events.length; i++) {
            events[i] = Events.typed(i * 7919, TYPES);
        }
        parsed = new Event[events.length];
        try (FilterSet all = FilterSet.of(List.of(Filter.compile("all", ".")))) {
            for (int i = 0; i < events.length; i++) {
                parsed[i] = all.match(events[i]).get(0).event();
            }
        }
    }

    static FilterSet build(int n, boolean indexed) throws Exception {
        List<Filter> list = compile(n);
        return indexed ? FilterSet.of(list) : FilterSet.unindexed(list);
    }

    static List<Filter> compile(int n) throws Exception {
        Random r = new Random(42);
        String[] fields = {"Sensor", "Site", "Kind"};
        String[] values = {"s", "site", "k"};
        int[] domains = {50, 7, 11};
        List<Filter> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int f = r.nextInt(3);
            list.add(Filter.compile("f" + i, "declare namespace f='" + Events.BENCH_NS + "'; /f:Event/f:T" + r.nextInt(TYPES)
                    + "[f:" + fields[f] + " = '" + values[f] + r.nextInt(domains[f]) + "']"));
        }
        return list;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        set.close();
    }

    @Benchmark
    public long parseAndMatch() throws Exception {
        List<Match> m = set.match(events[next++ & 1023]);
        matches += m.size();
        return matches;
    }

    @Benchmark
    public long match() {
        List<Match> m = set.matchesOf(parsed[next++ & 1023]);
        matches += m.size();
        return matches;
    }
}
