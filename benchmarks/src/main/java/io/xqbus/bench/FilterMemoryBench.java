package io.xqbus.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

import io.xqbus.Filter;
import io.xqbus.FilterSet;

/**
 * Issue 9's memory figure: the heap a consumer's 10,000 compiled filters and their index hold (used heap
 * after a full GC, before and after building them). Run: {@code bin/xqbus-bench memory [FILTERS]}.
 */
public final class FilterMemoryBench {

    private FilterMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Events.typed(0, 1);
        FilterEngineBenchmark.compile(1);   // load Saxon before the baseline
        long before = usedAfterGc();
        long start = System.nanoTime();
        List<Filter> filters = FilterEngineBenchmark.compile(n);
        FilterSet set = FilterSet.of(filters);
        set.match(Events.typed(1, FilterEngineBenchmark.TYPES));
        long compileMillis = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc();
        System.out.printf("memory: %,d filters hold %,d MB of heap (%,d bytes each); compiling them took %,d ms (max heap %,d MB)%n",
                n, (after - before) >> 20, (after - before) / n, compileMillis, Runtime.getRuntime().maxMemory() >> 20);
        set.close();
    }

    static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
