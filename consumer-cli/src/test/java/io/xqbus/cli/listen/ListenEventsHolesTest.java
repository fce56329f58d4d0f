package io.xqbus.cli.listen;

import java.net.URI;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** listenevents against what issue 22 found: hostile queries, events and commands (the real command, over TCP). */
@ExtendWith(EmbeddedBrokerExtension.class)
class ListenEventsHolesTest {

    static String broker;

    @BeforeAll
    static void connect(URI uri) {
        broker = uri.toString();
    }

    @Test
    void aQueryNested20000DeepIs65WithOneLine() throws Exception {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        ListenEventsTest.Running r = new ListenEventsTest.Running("--broker", broker, "--count", "1", "--timeout", "10s", "--query", deep);
        assertEquals(65, r.exitCode(), r.err.toString());
        String[] lines = r.err.toString().split("\n");
        assertEquals(1, lines.length, r.err.toString());
        assertEquals("listenevents: <query query1>: the query is nested too deeply to compile", lines[0]);
        assertFalse(r.err.toString().contains("StackOverflowError"));
    }
}
