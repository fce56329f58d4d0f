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

    /**
     * How the filters are written (#24: every way users write a filter stays on the fast path): {@code typed}
     * {@code /f:Event/f:T7[f:Sensor = 's12']}, {@code any-type} {@code /f:Event/*}{@code /f:Sensor = 's12'},
     * {@code descendant} {@code //f:Sensor = 's12'}, {@code let} {@code let $x := ./f:Event return $x/*[…]},
     * {@code type-var} {@code $type = 'T7' and /f:Event/*}{@code /f:Sensor = 's12'}, {@code type-or}
     * {@code $e/f:T7 or $e/f:T9}, {@code starts-with}, {@code ordering} ({@code f:Sensor > 's12'}: the type and
     * the element's presence narrow it) and {@code envelope} ({@code $source = 'bench3'}).
     */
    @Param({"typed"})
    public String shape;

    private FilterSet set;
    private String[] events;
    private Event[] parsed;
    private int next;
    private long matches;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        set = build(filters, indexed, shape);
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
        return build(n, indexed, "typed");
    }

    static FilterSet build(int n, boolean indexed, String shape) throws Exception {
        List<Filter> list = compile(n, shape);
        return indexed ? FilterSet.of(list) : FilterSet.unindexed(list);
    }

    static List<Filter> compile(int n) throws Exception {
        return compile(n, "typed");
    }

    static List<Filter> compile(int n, String shape) throws Exception {
        Random r = new Random(42);
        String[] fields = {"Sensor", "Site", "Kind"};
        String[] values = {"s", "site", "k"};
        int[] domains = {50, 7, 11};
        List<Filter> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int f = r.nextInt(3);
            String t = "T" + r.nextInt(TYPES);
            String c = "f:" + fields[f];
            String v = "'" + values[f] + r.nextInt(domains[f]) + "'";
            String body = switch (shape) {
                case "typed" -> "/f:Event/f:" + t + "[" + c + " = " + v + "]";
                case "any-type" -> "/f:Event/*/" + c + " = " + v;
                case "descendant" -> "//" + c + " = " + v;
                case "let" -> "let $x := ./f:Event return $x/*[" + c + " = " + v + "]";
                case "type-var" -> "declare variable $type external; $type = '" + t + "' and /f:Event/*/" + c + " = " + v;
                case "type-or" -> "let $e := ./f:Event return $e/f:" + t + " or $e/f:T" + r.nextInt(TYPES);
                case "starts-with" -> "/f:Event/f:" + t + "[starts-with(" + c + ", " + v + ")]";
                case "ordering" -> "/f:Event/f:" + t + "[" + c + " > " + v + "]";
                case "envelope" -> "declare variable $source external; $source = 'bench" + r.nextInt(Events.SOURCES) + "'";
                default -> throw new IllegalArgumentException("unknown shape " + shape);
            };
            list.add(Filter.compile("f" + i, "declare namespace f='" + Events.BENCH_NS + "'; " + body));
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
