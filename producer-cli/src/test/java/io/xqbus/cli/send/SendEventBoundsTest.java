package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Limits;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Input that would make sendevent run for ever or run out of memory (#22 item 8, producer half), and an
 * XML 1.1 event that every consumer would reject (#22 item 12, sendevent half): each through the real
 * command against the embedded broker.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class SendEventBoundsTest {

    static final String NS = "http://www.gonicus.de/Events";

    static String broker;
    static XqBus listener;
    static final AtomicInteger bigReceived = new AtomicInteger();
    static final AtomicInteger otherReceived = new AtomicInteger();

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void listen(URI uri) throws Exception {
        broker = uri.toString();
        listener = XqBus.connect(BusOptions.builder().broker(uri).build());
        listener.subscribe("declare namespace f='" + NS + "'; /f:Event/f:PhoneStatus[starts-with(f:CallerId, 'big-')]",
                m -> bigReceived.incrementAndGet());
        listener.subscribe("declare namespace f='" + NS + "'; /f:Event/f:PhoneStatus[not(starts-with(f:CallerId, 'big-'))]",
                m -> otherReceived.incrementAndGet());
    }

    @AfterAll
    static void close() {
        listener.close();
    }

    static Result run(InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(args, Map.of(), stdin, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * An endless stream repeating {@code unit}, as {@code yes UNIT} writes it; counts what was read. So that a
     * sendevent that does not stop fails the test instead of hanging the build, it fails reads past
     * {@link #GIVE_UP} bytes (16 times the size limit) and when the thread is interrupted (the timeout).
     */
    static final class Endless extends InputStream {
        static final long GIVE_UP = 16 * Limits.DEFAULT_MAX_EVENT_BYTES;
        private final byte[] unit;
        private int at;
        final AtomicLong read = new AtomicLong();

        Endless(String unit) {
            this.unit = unit.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            read(one, 0, 1);
            return one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read.get() > GIVE_UP || Thread.currentThread().isInterrupted()) {
                throw new IOException("the test's endless stdin: sendevent read " + read.get() + " bytes and did not stop");
            }
            for (int i = 0; i < len; i++) {
                b[off + i] = unit[at];
                at = (at + 1) % unit.length;
            }
            read.addAndGet(len);
            return len;
        }
    }

    /**
     * {@code yes | sendevent -}, and endless streams that open a document and never close it (an element,
     * a comment, CDATA, an attribute value, a stray end tag): sendevent stops with exit 65 once the
     * pending document passes the size limit, saying so in one line that names the limit, having read
     * little more than the limit.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void endlessStdinThatNeverFormsADocumentStopsWithExit65AtTheSizeLimit() {
        for (String unit : new String[] {"y\n", "<a>", "<!-- y", "<![CDATA[y", "<a b='y", "</a>"}) {
            Endless stdin = new Endless(unit);
            Result r = run(stdin, "--broker", broker, "-");
            assertEquals(65, r.code(), unit + ": " + r.err());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.startsWith("sendevent: <stdin>:1:"), unit + ": " + r.err());
            if (!unit.equals("</a>")) {   // a stray end tag is simply not well-formed, at once
                assertTrue(first.contains("has not ended after " + Limits.DEFAULT_MAX_EVENT_BYTES + " bytes, the size limit"),
                        unit + ": " + r.err());
                assertTrue(stdin.read.get() >= Limits.DEFAULT_MAX_EVENT_BYTES, unit + ": read " + stdin.read.get());
            }
            assertTrue(stdin.read.get() <= Limits.DEFAULT_MAX_EVENT_BYTES + (1 << 17), unit + ": read " + stdin.read.get() + " bytes");
            assertTrue(r.err().contains("stopped at event 1; 0 events were sent before it"), unit + ": " + r.err());
            assertFalse(r.err().contains("\tat ") || r.err().contains("Error"), unit + ": " + r.err());
        }
    }

    /**
     * An index far above {@link EventBuilder#MAX_INDEX} is a usage error naming the bound, not an
     * OutOfMemoryError from building 99,999,999 elements; the bound itself still builds.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHugeIndexIsAUsageErrorNamingTheBound() {
        for (String index : new String[] {"99999999", "10001", "2147483647"}) {
            Result r = run(new ByteArrayInputStream(new byte[0]), "--broker", broker, "--type", "PhoneStatus", "CallerId[" + index + "]=1");
            assertEquals(2, r.code(), index + ": " + r.err());
            assertTrue(r.err().contains("CallerId[" + index + "]") && r.err().contains("above the limit of " + EventBuilder.MAX_INDEX),
                    index + ": " + r.err());
            assertFalse(r.err().contains("OutOfMemoryError"), r.err());
        }
        Result overflow = run(new ByteArrayInputStream(new byte[0]), "--broker", broker, "--type", "PhoneStatus", "CallerId[99999999999]=1");
        assertEquals(2, overflow.code(), overflow.err());
        assertTrue(overflow.err().contains("bad index in 'CallerId[99999999999]'"), overflow.err());
        // at the bound the event is built (and then breaks the XSD: 10,000 CallerIds), so the bound is not off by one
        Result atBound = run(new ByteArrayInputStream(new byte[0]), "--broker", broker, "--validate-only", "--type", "PhoneStatus",
                "CallerId[" + EventBuilder.MAX_INDEX + "]=1");
        assertEquals(65, atBound.code(), atBound.err());
    }

    /**
     * An XML 1.1 event carrying a terminal escape ({@code &#x1B;[2J}, legal only in XML 1.1) is refused by
     * sendevent with exit 65 and a line saying XML 1.1 is not accepted, from a file and from stdin, alone or
     * after a good event; nothing of the file is sent, and stdin stops at it (#22 item 12): every consumer
     * rejects XML 1.1, so publishing it would be a loss reported as a success.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anXml11EventIsRefusedWithExit65FromAFileAndFromStdin(@TempDir Path dir) throws Exception {
        String v11 = "<?xml version=\"1.1\"?>\n<Event xmlns='" + NS + "'><PhoneStatus><CallerId>v11&#x1B;[2J</CallerId>"
                + "<ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>\n";
        String good = "<Event xmlns='" + NS + "'><PhoneStatus><CallerId>before-v11</CallerId>"
                + "<ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>\n";
        int before = otherReceived.get();
        for (String content : new String[] {v11, good + v11}) {
            int line = content == v11 ? 1 : 2;
            Path file = Files.writeString(dir.resolve("v11-" + line + ".xml"), content);
            Result fromFile = run(new ByteArrayInputStream(new byte[0]), "--broker", broker, file.toString());
            assertEquals(65, fromFile.code(), fromFile.err());
            assertTrue(fromFile.err().contains(file + ":" + line + ":") && fromFile.err().contains("XML 1.1 is not accepted"),
                    fromFile.err());
            assertTrue(fromFile.err().contains("nothing sent"), fromFile.err());
            Result fromStdin = run(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "--broker", broker, "-");
            assertEquals(65, fromStdin.code(), fromStdin.err());
            assertTrue(fromStdin.err().contains("<stdin>:" + line + ":") && fromStdin.err().contains("XML 1.1 is not accepted"),
                    fromStdin.err());
            assertTrue(fromStdin.err().contains("stopped at event " + line + "; " + (line - 1) + " event"), fromStdin.err());
            assertFalse(fromFile.err().contains("\u001b") || fromStdin.err().contains("\u001b"), "no raw escape in the messages");
        }
        // one good event went out (from stdin, before the XML 1.1 one); a marker after it shows nothing else did
        Result marker = run(new ByteArrayInputStream(new byte[0]), "--broker", broker, "--type", "PhoneStatus",
                "CallerId=after-v11", "ReceiverId=2", "Status=busy");
        assertEquals(0, marker.code(), marker.err());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (otherReceived.get() < before + 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 2, otherReceived.get(), "the good event from stdin and the marker, nothing of XML 1.1");
    }

    /**
     * Events in the big file: 200,000 of 181 bytes, 36 MB, as in #22 item 8 (sendevent takes about 40 s for
     * them on an idle 2-core machine). {@code -Dxqbus.test.bigEvents=100000} halves that and still fails on a
     * sendevent that holds the file whole (it dies of OutOfMemoryError at 100,000 and survives 50,000).
     */
    static final int BIG_EVENTS = Integer.getInteger("xqbus.test.bigEvents", 200_000);

    /**
     * A file of 200,000 events (36 MB) sent by sendevent in its own JVM with a 64 MB heap: validated whole
     * before anything is sent, yet never held whole in memory (read twice, in chunks of at most 2,048
     * events or 8 MB), so it exits 0 and the broker receives every event. A sendevent that read the file
     * whole and prepared every event before sending (as it did before #22 item 8) dies here of OutOfMemoryError.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aFileOf200000EventsIsSentFromA64MbHeap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.xml");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < BIG_EVENTS; i++) {
                w.write(String.format("<Event xmlns='%s' id='big-%06d'><PhoneStatus><CallerId>big-%06d</CallerId>"
                        + "<ReceiverId>12343424</ReceiverId><Status>busy</Status></PhoneStatus></Event>%n", NS, i, i));
            }
        }
        assertTrue(Files.size(file) == 181L * BIG_EVENTS, "the file is " + Files.size(file) + " bytes");
        Path output = dir.resolve("sendevent.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SendEvent.class.getName(), "--broker", broker, "-v", file.toString());
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                fail("sendevent did not finish within 180 s: " + tail(output));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        long sendMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String out = tail(output);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("sent " + BIG_EVENTS + " events"), out);
        assertFalse(out.contains("OutOfMemoryError"), out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (bigReceived.get() < BIG_EVENTS && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(BIG_EVENTS, bigReceived.get(), "events that reached the subscription");
        System.out.println("sendevent -Xmx64m, " + BIG_EVENTS + " events (" + Files.size(file) + " bytes): exit 0 after "
                + sendMillis + " ms");
    }

    static String tail(Path output) throws IOException {
        String s = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
    }
}
