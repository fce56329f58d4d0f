package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.xqbus.broker.EmbeddedBroker;
import io.xqbus.broker.EmbeddedBroker.Permission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendevent against an embedded broker with security on: credentials from the environment, exit 77 when refused. */
class SecureBrokerTest {

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.builder()
                .user("alice", "s3cret", "producers")
                .user("bob", "b0b", "readers")
                .permit("#", "producers", Permission.PUBLISH, Permission.CONSUME)
                .permit("#", "readers", Permission.CONSUME)
                .build().start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static SendEventTest.Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(args, env, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new SendEventTest.Result(code, out.toString(), err.toString());
    }

    static String[] send(String... credentials) {
        String[] event = {"--broker", broker.uri().toString(), "--type", "PhoneStatus", "CallerId=1", "ReceiverId=2", "Status=busy"};
        String[] all = new String[credentials.length + event.length];
        System.arraycopy(credentials, 0, all, 0, credentials.length);
        System.arraycopy(event, 0, all, credentials.length, event.length);
        return all;
    }

    @Test
    void theRightPasswordFromTheEnvironmentIsAccepted() {
        SendEventTest.Result r = run(Map.of("PUB_PW", "s3cret"), send("--user", "alice", "--password-env", "PUB_PW"));
        assertEquals(0, r.code(), r.err());
        assertEquals(0, run(Map.of("XQBUS_USER", "alice", "XQBUS_PASSWORD", "s3cret"), send()).code());
    }

    @Test
    void aWrongPasswordIs77AndNamesTheUser() {
        SendEventTest.Result r = run(Map.of("PUB_PW", "wrong"), send("--user", "alice", "--password-env", "PUB_PW"));
        assertEquals(77, r.code(), r.err());
        assertTrue(r.err().contains("alice"), r.err());
        assertFalse(r.err().contains("wrong"), "the password must not appear in messages");
    }

    @Test
    void anAnonymousConnectionIs77() {
        assertEquals(77, run(Map.of(), send()).code());
    }

    @Test
    void aUserWithoutPublishRightsIs77() {
        SendEventTest.Result r = run(Map.of("XQBUS_PASSWORD", "b0b"), send("--user", "bob"));
        assertEquals(77, r.code(), r.err());
    }

    @Test
    void anUnsetPasswordVariableIsAUsageError() {
        SendEventTest.Result r = run(Map.of(), send("--user", "alice", "--password-env", "NOPE"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("NOPE"), r.err());
    }
}
