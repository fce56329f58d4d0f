package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.Match;
import io.xqbus.NotAuthorizedException;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users, roles and permissions from a security file: who may publish, who may consume. */
class AccessControlTest {

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"), """
                # users and their roles
                user.alice = s3cret, producers
                user.bob = b0b, readers
                user.carol = c4rol, phone-writers
                # what each role may do
                permit.producers = publish+consume xqbus.events.#
                permit.readers = consume xqbus.events.#
                permit.phone-writers = publish xqbus.events.PhoneStatus
                """);
        broker = EmbeddedBroker.builder().securityFile(users).build().start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static BusOptions.Builder as(String user, String password) {
        return BusOptions.builder().broker(broker.uri()).credentials(user, password);
    }

    @Test
    void readersReceiveAndPublishersWithoutConsumeRightsReceiveNothing() throws Exception {
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        try (XqBus bob = XqBus.connect(as("bob", "b0b").build());
             XqBus carol = XqBus.connect(as("carol", "c4rol").build())) {
            bob.subscribe("declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus", got::add);
            carol.publish(EventBuilder.of("PhoneStatus").add("CallerId", "acl").add("ReceiverId", "1").add("Status", "busy"));
            Match m = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals("acl", m.event().value("CallerId"));

            NotAuthorizedException noConsume = assertThrows(NotAuthorizedException.class, () -> carol.subscribe("true()", x -> { }));
            assertTrue(noConsume.getMessage().contains("carol"), noConsume.getMessage());
            NotAuthorizedException noPublish = assertThrows(NotAuthorizedException.class,
                    () -> bob.publish(EventBuilder.of("PhoneStatus").add("CallerId", "x").add("ReceiverId", "1").add("Status", "busy")));
            assertTrue(noPublish.getMessage().contains("bob"), noPublish.getMessage());
            NotAuthorizedException wrongAddress = assertThrows(NotAuthorizedException.class,
                    () -> carol.publish(EventBuilder.of("NodeLeave").add("Id", "n1")));
            assertTrue(wrongAddress.getMessage().contains("xqbus.events.NodeLeave"), wrongAddress.getMessage());
        }
    }

    @Test
    void listeneventsWithoutConsumeRightsIs77AndNamesTheUser() {
        StringWriter err = new StringWriter();
        int code = ListenEvents.run(new String[] {"--broker", broker.uri().toString(), "--user", "carol", "--timeout", "5s",
                "--query", "true()"}, Map.of("XQBUS_PASSWORD", "c4rol"), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertEquals(77, code, err.toString());
        assertTrue(err.toString().contains("carol"), err.toString());
        assertTrue(!err.toString().contains("c4rol"), "no password in messages");
    }

    @Test
    void aWrongPasswordIs77() {
        StringWriter err = new StringWriter();
        int code = ListenEvents.run(new String[] {"--broker", broker.uri().toString(), "--user", "alice", "--password-env", "PW",
                "--timeout", "5s", "--query", "true()"}, Map.of("PW", "nope"), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertEquals(77, code, err.toString());
        assertTrue(err.toString().contains("alice"), err.toString());
    }

    @Test
    void mistakesInTheSecurityFileNameTheLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.properties"), "user.x = pw, r\npermit.r = delete #\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedBroker.builder().securityFile(bad));
        assertTrue(e.getMessage().contains(bad + ":2:") && e.getMessage().contains("delete"), e.getMessage());
    }
}
