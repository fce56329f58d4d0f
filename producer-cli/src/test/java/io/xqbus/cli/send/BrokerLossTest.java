package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The connection to the broker drops while sendevent publishes many events (#22 item 5): sendevent says how
 * many the broker accepted and names every one it did not, by position and id, and every event it does not
 * name reached a consumer. The drop is real: sendevent talks to the broker through a TCP relay that cuts
 * both sockets after a fixed number of bytes.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class BrokerLossTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final int EVENTS = 5000;
    /** About a fifth of what 5,000 events take on the wire: the cut comes mid-run, always. */
    static final long CUT_AFTER_BYTES = 400_000;
    static final Pattern NOT_ACCEPTED = Pattern.compile("event (\\d+) \\(id (ev-\\d+)\\) was not (sent|accepted)");
    static final Pattern SUMMARY = Pattern.compile("(\\d+) of (\\d+) events were accepted by the broker; the (\\d+) listed above");

    static URI broker;
    static XqBus listener;
    static final Map<String, Boolean> received = new ConcurrentHashMap<>();

    @BeforeAll
    static void listen(URI uri) throws Exception {
        broker = uri;
        listener = XqBus.connect(BusOptions.builder().broker(uri).build());
        listener.subscribe("declare namespace f='" + NS + "'; /f:Event/f:PhoneStatus[starts-with(f:CallerId, 'loss-')]",
                m -> received.put(m.event().id(), true));
    }

    @AfterAll
    static void close() {
        listener.close();
    }

    static String events(String run) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= EVENTS; i++) {
            b.append("<Event xmlns='").append(NS).append("' id='ev-").append(run).append(i).append("'><PhoneStatus><CallerId>loss-")
                    .append(run).append(i).append("</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>\n");
        }
        return b.toString();
    }

    @Test
    void aFileWhoseConnectionDropsNamesEveryEventNotAccepted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("many.xml"), events("1"));
        try (Relay relay = new Relay(broker.getPort(), CUT_AFTER_BYTES)) {
            SendEventTest.Result r = run(relay, new ByteArrayInputStream(new byte[0]), file.toString());
            check(r, "1", true);
        }
    }

    @Test
    void stdinWhoseConnectionDropsNamesEveryEventNotAccepted() throws Exception {
        try (Relay relay = new Relay(broker.getPort(), CUT_AFTER_BYTES)) {
            SendEventTest.Result r = run(relay, new ByteArrayInputStream(events("2").getBytes(StandardCharsets.UTF_8)), "-");
            check(r, "2", false);
        }
    }

    private static SendEventTest.Result run(Relay relay, InputStream stdin, String input) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(new String[] {"--broker", "amqp://127.0.0.1:" + relay.port(), input}, Map.of(), stdin,
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new SendEventTest.Result(code, out.toString(), err.toString());
    }

    /** Accepted + not accepted = the events read; every event not named reached the consumer. */
    private static void check(SendEventTest.Result r, String run, boolean wholeFile) throws InterruptedException {
        assertEquals(69, r.code(), r.err());
        Matcher summary = SUMMARY.matcher(r.err());
        assertTrue(summary.find(), r.err());
        int accepted = Integer.parseInt(summary.group(1));
        int total = Integer.parseInt(summary.group(2));
        Set<Integer> notAccepted = new TreeSet<>();
        Matcher m = NOT_ACCEPTED.matcher(r.err());
        while (m.find()) {
            int position = Integer.parseInt(m.group(1));
            assertEquals("ev-" + run + position, m.group(2), "the id named is the event's own");
            assertTrue(notAccepted.add(position), "event " + position + " named twice");
        }
        assertEquals(Integer.parseInt(summary.group(3)), notAccepted.size());
        if (wholeFile) {
            assertEquals(EVENTS, total, "a file: every event is accounted for");
        } else {
            assertTrue(total <= EVENTS && total > 0, "stdin stops reading at the failure: " + total);
        }
        assertEquals(total, accepted + notAccepted.size(), "accepted + not accepted = all events read");
        assertTrue(accepted > 0, "the cut comes mid-run: " + r.err().lines().limit(5).toList());
        assertFalse(notAccepted.isEmpty(), "the cut comes mid-run");
        // nothing reported accepted that was not: every event not named arrives
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int i = 1; i <= total; i++) {
            if (notAccepted.contains(i)) {
                continue;
            }
            String id = "ev-" + run + i;
            while (!received.containsKey(id)) {
                if (System.nanoTime() > deadline) {
                    fail("event " + i + " (" + id + ") was reported accepted but never reached the consumer");
                }
                Thread.sleep(10);   // polling with the deadline above
            }
        }
    }

    /** A TCP relay to the broker that cuts both directions once the client has sent {@code cutAfter} bytes. */
    static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final long cutAfter;
        private final AtomicLong forwarded = new AtomicLong();
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;

        Relay(int target, long cutAfter) throws IOException {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.target = target;
            this.cutAfter = cutAfter;
            this.acceptor = new Thread(this::accept, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream, true);
                    pump(upstream, client, false);
                }
            } catch (IOException closed) {
                // the relay was closed
            }
        }

        private void pump(Socket from, Socket to, boolean counted) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        if (counted && forwarded.addAndGet(n) > cutAfter) {
                            cut();
                            return;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // cut, or the peer closed
                } finally {
                    cut();
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        /** Closes every relayed socket: the client sees its connection drop. */
        void cut() {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            cut();
        }
    }
}
