package io.xqbus.cli.listen;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.cli.listen.ListenEventsTest.Running;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Message properties as filter variables with a foreign sender (issue #17 item 3): the Python client of
 * {@code interop/} (Apache Qpid Proton, no xqbus code) sets the application property {@code user_id}, the only
 * one Clacks ever set, and others with their AMQP types; {@code listenevents} with a filter declaring
 * {@code $user_id} prints only the matching event. Skips without python3-qpid-proton, as {@link ForeignClientTest}.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class PropertyVariablesInteropTest {

    @BeforeAll
    static void needsProton() throws Exception {
        ForeignClientTest.needsProton();
    }

    static void send(URI broker, Path body, String... properties) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", ForeignClientTest.SCRIPTS.resolve("send_event.py").toString()));
        command.addAll(List.of(properties));
        command.addAll(List.of(broker.toString(), "xqbus.events.PhoneStatus", body.toString()));
        ForeignClientTest.run(command, 60);
    }

    @Test
    void aFilterDeclaringUserIdMatchesThePythonSendersProperty(URI broker, @TempDir Path dir) throws Exception {
        Path body = Files.writeString(dir.resolve("phone.xml"), "<Event xmlns='http://www.gonicus.de/Events'><PhoneStatus>"
                + "<CallerId>py-props</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>");
        Running r = new Running("--broker", broker.toString(), "--count", "1", "--timeout", "60s", "--query", """
                declare namespace f='http://www.gonicus.de/Events';
                declare variable $user_id external; declare variable $attempt external; declare variable $urgent external;
                /f:Event/f:PhoneStatus[f:CallerId = 'py-props'][$user_id = 'jdoe']
                  /concat($user_id, ' ', $attempt instance of xs:integer, ' ', $attempt + 1, ' ', $urgent instance of xs:boolean)""")
                .awaitListening();
        send(broker, body, "--property", "user_id=someone", "--typed-property", "attempt=int:1");
        send(broker, body, "--typed-property", "attempt=long:2");
        send(broker, body, "--property", "user_id=jdoe", "--typed-property", "attempt=int:3", "--typed-property", "urgent=boolean:true");
        assertEquals(0, r.exitCode(), r.err.toString());
        assertEquals("jdoe true 4 true", r.out.toString().strip());
    }
}
