package io.xqbus.cli.listen;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.Match;
import io.xqbus.Subscription;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.cli.send.SendEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Clients in another language, with no xqbus code: Python (Apache Qpid Proton) sends events to the broker
 * as a string value and as a binary Data section, with and without the application properties, and the Java
 * consumer filters them like its own; a Python receiver gets what sendevent publishes, as plain XML.
 * Needs python3-qpid-proton for /usr/bin/python3 ({@code .ci/interop-setup} installs it); skips without.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class ForeignClientTest {

    static final Path SCRIPTS = Path.of("..", "interop", "python").toAbsolutePath().normalize();

    @BeforeAll
    static void needsProton() throws Exception {
        boolean proton = false;
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import proton.utils").redirectErrorStream(true).start();
            proton = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        assumeTrue(proton, "python3-qpid-proton is not installed for /usr/bin/python3: run `sudo .ci/interop-setup` "
                + "(or apt-get install python3-qpid-proton) to run the foreign-client tests");
    }

    static String run(List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "did not finish: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    @Test
    void pythonSendersAreFilteredLikeJavaOnes(URI broker, @TempDir Path dir) throws Exception {
        Path whole = Files.writeString(dir.resolve("whole.xml"), "<?xml version='1.0' encoding='UTF-8'?>\n<Event xmlns='http://www.gonicus.de/Events' "
                + "source='python'><PhoneStatus><CallerId>py-%s</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>");
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build());
             Subscription s = bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; "
                     + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'py-')]", got::add)) {
            List<String> expected = new ArrayList<>();
            String[][] variants = {{"string", ""}, {"string-bare", "--no-properties"}, {"binary", "--binary"},
                    {"binary-bare", "--binary --no-properties"}};
            for (String[] v : variants) {
                Path body = Files.writeString(dir.resolve(v[0] + ".xml"), Files.readString(whole).formatted(v[0]));
                List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPTS.resolve("send_event.py").toString()));
                if (!v[1].isEmpty()) {
                    command.addAll(List.of(v[1].split(" ")));
                }
                command.addAll(List.of(broker.toString(), "xqbus.events.PhoneStatus", body.toString()));
                run(command, 60);
                expected.add("py-" + v[0]);
            }
            // a bare payload (no Event envelope) on the bare prefix address, the way a foreign producer may send
            Path bare = Files.writeString(dir.resolve("bare.xml"), "<PhoneStatus xmlns='http://www.gonicus.de/Events'><CallerId>py-bare"
                    + "</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus>");
            run(List.of("/usr/bin/python3", SCRIPTS.resolve("send_event.py").toString(), "--no-properties", broker.toString(),
                    "xqbus.events", bare.toString()), 60);
            expected.add("py-bare");
            List<String> callers = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                Match m = got.poll(20, TimeUnit.SECONDS);
                assertNotNull(m, "only " + callers + " arrived");
                callers.add(m.event().value("CallerId"));
                assertNotNull(m.event().id(), "a foreign event still gets an id");
            }
            assertEquals(expected, callers);
            assertEquals(0, s.rejected());
        }
    }

    @Test
    void invalidUtf8InATextualDataSectionIsRejectedAndDeadLetteredNotLost(URI broker, @TempDir Path dir) throws Exception {
        // a Data section whose content-type is textual: qpid-jms makes it a TextMessage and decodes it itself
        byte[] bad = ("<Event xmlns='http://www.gonicus.de/Events' id='bad-utf8'><PhoneStatus><CallerId>utf8-bad-\u00ff"
                + "</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>").getBytes(StandardCharsets.ISO_8859_1);
        Path badFile = Files.write(dir.resolve("bad.xml"), bad);
        Path good = Files.writeString(dir.resolve("good.xml"), "<Event xmlns='http://www.gonicus.de/Events'><PhoneStatus>"
                + "<CallerId>utf8-good</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>");
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> connectionLost = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.xqbus.BusListener listener = new io.xqbus.BusListener() {
            @Override
            public void eventRejected(String messageId, io.xqbus.InvalidEventException reason) {
                rejected.add(reason.getMessage());
            }

            @Override
            public void connectionLost(Throwable cause) {
                connectionLost.add(String.valueOf(cause));
            }
        };
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).listener(listener).build());
             Subscription s = bus.subscribe(List.of(io.xqbus.Filter.compile("utf8", "declare namespace f='http://www.gonicus.de/Events'; "
                     + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'utf8-')]")), got::add,
                     io.xqbus.SubscriptionOptions.builder().shared("utf8").build())) {
            for (String contentType : new String[] {"text/xml", "text/plain", "application/xml"}) {
                run(List.of("/usr/bin/python3", SCRIPTS.resolve("send_event.py").toString(), "--binary", "--no-properties",
                        "--content-type", contentType, broker.toString(), "xqbus.events.PhoneStatus", badFile.toString()), 60);
            }
            run(List.of("/usr/bin/python3", SCRIPTS.resolve("send_event.py").toString(), "--binary", "--content-type", "text/xml",
                    broker.toString(), "xqbus.events.PhoneStatus", good.toString()), 60);
            Match m = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "the good event after the bad ones did not arrive");
            assertEquals("utf8-good", m.event().value("CallerId"));
            assertEquals(3, s.rejected(), "every bad body is counted as rejected; listener saw " + rejected);
            assertEquals(3, s.deadLettered(), "and dead-lettered");
            assertEquals(3, rejected.size());
            assertTrue(rejected.get(0).contains("UTF-8"), rejected.get(0));
            assertEquals(List.of(), connectionLost, "a bad body is not a connection failure");
        }
        jakarta.jms.Connection c = new org.apache.qpid.jms.JmsConnectionFactory(broker).createConnection();
        try {
            c.start();
            jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            var consumer = session.createConsumer(session.createQueue(io.xqbus.SubscriptionOptions.DEAD_LETTER_ADDRESS));
            for (int i = 0; i < 3; i++) {
                jakarta.jms.Message dead = consumer.receive(20_000);
                assertNotNull(dead, "dead letter " + i + " missing");
                String reason = dead.getStringProperty(io.xqbus.SubscriptionOptions.PROP_DL_REASON);
                assertTrue(reason.contains("UTF-8"), reason);
                assertTrue(dead instanceof jakarta.jms.BytesMessage, "the bytes are kept as they arrived: " + dead.getClass());
                jakarta.jms.BytesMessage b = (jakarta.jms.BytesMessage) dead;
                byte[] kept = new byte[(int) b.getBodyLength()];
                b.readBytes(kept);
                assertTrue(java.util.Arrays.equals(bad, kept), "the dead letter holds the original bytes");
            }
        } finally {
            c.close();
        }
    }

    @Test
    void aPythonReceiverGetsWhatSendeventPublishesAsPlainXml(URI broker) throws Exception {
        Process receiver = new ProcessBuilder("/usr/bin/python3", SCRIPTS.resolve("receive_events.py").toString(), "--topic",
                broker.toString(), "xqbus.events.#", "1", "60").start();
        try {
            StringBuilder err = new StringBuilder();
            var stderr = new java.io.BufferedReader(new java.io.InputStreamReader(receiver.getErrorStream(), StandardCharsets.UTF_8));
            for (String line; (line = stderr.readLine()) != null; ) {   // ends at the deadline of the script at worst
                err.append(line).append('\n');
                if (line.contains("attached to")) {
                    break;
                }
            }
            assertTrue(err.toString().contains("attached to"), err.toString());
            StringWriter out = new StringWriter();
            StringWriter sendErr = new StringWriter();
            int code = SendEvent.run(new String[] {"--broker", broker.toString(), "--source", "to-python", "--type", "PhoneStatus",
                    "CallerId=for-python", "ReceiverId=2", "Status=busy"}, Map.of(), new ByteArrayInputStream(new byte[0]),
                    new PrintWriter(out), new PrintWriter(sendErr));
            assertEquals(0, code, sendErr.toString());
            String printed = new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(receiver.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, receiver.exitValue(), printed);
            assertTrue(printed.startsWith("<Event xmlns=\"http://www.gonicus.de/Events\""), printed);
            assertTrue(printed.contains("source=\"to-python\"") && printed.contains("<CallerId>for-python</CallerId>"), printed);
        } finally {
            receiver.destroy();
        }
    }
}
