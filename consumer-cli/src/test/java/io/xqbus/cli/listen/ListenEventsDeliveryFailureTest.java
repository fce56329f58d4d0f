package io.xqbus.cli.listen;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * #23 item 6: a listenevents daemon whose delivery thread dies exits 70 with one line naming the cause, so that a
 * supervisor restarts it — never a connected process that delivers nothing. The trigger is a real one: a filter
 * whose result (the event, then 8,999 times its 60,000-character text: a node first, so a match) is within the item limit but costs
 * about 540 MB to print, in a daemon with a 128 MB heap.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class ListenEventsDeliveryFailureTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    @Test
    void aDaemonWhoseDeliveryDiesExits70WithOneLine(URI broker, @TempDir Path dir) throws Exception {
        Path query = Files.writeString(dir.resolve("huge.xq"), F + "let $s := string(/f:Event/f:PuppetReport) return (/f:Event, "
                + "$s, ".repeat(8_998) + "$s)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), ListenEvents.class.getName(),
                "--broker", broker.toString(), "--query-file", query.toString(), "--status-interval", "0")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(err.toFile()).start();
        try {
            DaemonTest.awaitFile(err, "listening on ");
            try (XqBus producer = XqBus.connect(BusOptions.builder().broker(broker).build())) {
                producer.publish("<PuppetReport xmlns='http://www.gonicus.de/Events'><Id>dies</Id><PuppetLog><Timestamp>1</Timestamp>"
                        + "<Level>info</Level><Message>" + "x".repeat(60_000) + "</Message></PuppetLog></PuppetReport>");
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                fail("the daemon still runs 30 s after its delivery thread died: " + tail(err));
            }
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            assertEquals(70, p.exitValue(), tail(err));
            List<String> ours = lines.stream().filter(l -> l.startsWith("listenevents: ")).toList();
            assertEquals(1, ours.size(), tail(err));
            assertTrue(ours.get(0).startsWith("listenevents: the delivery of events stopped: java.lang.OutOfMemoryError"), ours.get(0));
            assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "no stack trace without --verbose: " + tail(err));
        } finally {
            p.destroyForcibly();
        }
    }

    /** The file's lines, each cut at 300 characters (a failure message, not pages of an event). */
    static String tail(Path file) throws Exception {
        return String.join("\n", Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "…" : l).toList());
    }
}
