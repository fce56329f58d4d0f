package io.xqbus.bench;

import java.util.Arrays;

/** {@code bin/xqbus-bench NAME [ARGS]}: runs one of the load tools. */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.activemq.audit", "off");
        String name = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (name) {
            case "send-stream" -> SendStreamBench.main(rest);
            case "filters" -> FilterThroughputBench.main(rest);
            case "memory" -> FilterMemoryBench.main(rest);
            case "name-flood" -> NameFloodBench.main(rest);
            case "e2e" -> EndToEndBench.main(rest);
            case "faults" -> FaultSoak.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: xqbus-bench send-stream [EVENTS] [ROUNDS] [WARMUP] | filters [EVENTS] | memory [FILTERS] | name-flood [EVENTS] | e2e [EVENTS] [ROUNDS] | faults [SECONDS] [KILL_EVERY_SECONDS] | jmh [JMH OPTIONS]");
                System.exit(name.equals("help") ? 0 : 2);
            }
        }
    }
}
