package io.xqbus.cli.listen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Match;
import io.xqbus.Subscription;
import io.xqbus.XqBus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The plain scenarios on RabbitMQ 3.10 (AMQP 1.0 plugin), unchanged bus code, only URI options: publish,
 * type-routed subscription, filtering, a foreign Python sender. Runs where {@code XQBUS_RABBITMQ_URI} is set
 * ({@code .ci/interop-setup} starts a local RabbitMQ and prints it); skips elsewhere. Consumer groups and
 * dead letters on RabbitMQ are not supported yet (no transactions or shared subscriptions there).
 */
class RabbitMqInteropTest {

    static String uri;
    static String user;
    static String password;

    @BeforeAll
    static void needsRabbitMq() {
        uri = System.getenv("XQBUS_RABBITMQ_URI");
        user = System.getenv("XQBUS_RABBITMQ_USER");
        password = System.getenv("XQBUS_RABBITMQ_PASSWORD");
        assumeTrue(uri != null && !uri.isBlank(), "no RabbitMQ: run `eval \"$(sudo .ci/interop-setup | grep ^XQBUS_)\"` "
                + "and export XQBUS_RABBITMQ_URI, XQBUS_RABBITMQ_USER and XQBUS_RABBITMQ_PASSWORD to run the RabbitMQ interop tests");
    }

    /** What RabbitMQ 3.10 needs (STACK.md, verified): topics through amq.topic, no link drains, no endless waits. */
    static BusOptions.Builder options() {
        return BusOptions.builder()
                .broker(uri + "?jms.topicPrefix=/topic/&jms.receiveLocalOnly=true&jms.receiveNoWaitLocalOnly=true&jms.requestTimeout=10000")
                .credentials(user, password);
    }

    @Test
    void publishAndFilterThroughRabbitMq() throws Exception {
        LinkedBlockingQueue<Match> busy = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(options().source("rabbit").build());
             Subscription s = bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; "
                     + "/f:Event/f:PhoneStatus[f:Status = 'busy'][starts-with(f:CallerId, 'rmq-')]", busy::add)) {
            assertEquals(List.of("xqbus.events.PhoneStatus", "xqbus.events"), s.addresses());
            for (String status : List.of("idle", "busy", "ringing", "busy")) {
                bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "rmq-" + status).add("ReceiverId", "1").add("Status", status));
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Match m = busy.poll(20, TimeUnit.SECONDS);
                assertNotNull(m, "got only " + got);
                got.add(m.event().value("CallerId"));
                assertEquals("rabbit", m.event().source());
            }
            assertEquals(List.of("rmq-busy", "rmq-busy"), got);
        }
    }

    @Test
    void aPythonSenderThroughRabbitMqIsFilteredLikeJava(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus bus = XqBus.connect(options().build());
             Subscription s = bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; "
                     + "/f:Event/f:PhoneStatus[f:CallerId = 'rmq-python']", got::add)) {
            Path body = Files.writeString(dir.resolve("e.xml"), "<PhoneStatus xmlns='http://www.gonicus.de/Events'><CallerId>rmq-python"
                    + "</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus>");
            String target = uri.replace("amqp://", "amqp://" + user + ":" + password + "@");
            Process p = new ProcessBuilder("/usr/bin/python3", ForeignClientTest.SCRIPTS.resolve("send_event.py").toString(), "--binary",
                    target, "/topic/xqbus.events.PhoneStatus", body.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
            Match m = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "the Python event did not arrive");
            assertEquals("busy", m.event().value("Status"));
        }
    }
}
