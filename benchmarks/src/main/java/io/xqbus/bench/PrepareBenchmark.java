package io.xqbus.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.xqbus.Limits;
import io.xqbus.PreparedEvent;
import io.xqbus.SchemaSet;

/**
 * The publish side's own work per event (issue 9): parse, check the envelope, validate against the XSD and
 * serialise the payload ({@link PreparedEvent#prepare}) for the 1 KB Reading event of the end-to-end
 * benchmark, given bare or inside an {@code Event} envelope, next to a plain non-validating SAX parse of the
 * same bytes (the floor any XML-reading producer pays). One thread, microseconds per event.
 * Run: {@code bin/xqbus-bench jmh PrepareBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class PrepareBenchmark {

    @Param({"bare", "enveloped"})
    public String form;

    private SchemaSet schemas;
    private byte[][] events;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("xqbus-bench-xsd-");
        try (var in = PrepareBenchmark.class.getResourceAsStream("/bench/Reading.xsd")) {
            Files.copy(in, dir.resolve("Reading.xsd"));
        }
        schemas = SchemaSet.load(dir);
        events = new byte[256][];
        for (int i = 0; i < events.length; i++) {
            String payload = Events.reading(i, i);
            String doc = form.equals("bare") ? payload
                    : "<Event xmlns=\"" + Events.BENCH_NS + "\" source=\"bench\">" + payload.replace(" xmlns=\"" + Events.BENCH_NS + "\"", "") + "</Event>";
            events[i] = doc.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public PreparedEvent prepare() throws Exception {
        return PreparedEvent.prepare(events[next++ & 255], "bench", schemas, Limits.DEFAULT);
    }

    @Benchmark
    public void plainSaxParse(Blackhole hole) throws Exception {
        var reader = io.xqbus.internal.xml.SecureXml.reader();
        reader.setContentHandler(new org.xml.sax.helpers.DefaultHandler() {
            @Override
            public void characters(char[] ch, int start, int length) {
                hole.consume(length);
            }
        });
        reader.parse(io.xqbus.internal.xml.SecureXml.bytes(events[next++ & 255], null));
    }
}
