package io.xqbus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message application properties as external variables, as on the Qpid XML exchange (issue #17 item 3, brief
 * §10): a filter may declare any variable besides the six envelope ones; it is bound to the same-named
 * application property, typed as sent, the empty sequence when absent. A foreign producer (proton-j, no JMS)
 * sets the properties with their AMQP types.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class PropertyVariablesTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final String F = "declare namespace f='" + NS + "'; ";

    static XqBus bus;
    static URI broker;

    @BeforeAll
    static void connect(URI uri) throws Exception {
        broker = uri;
        bus = XqBus.connect(BusOptions.builder().broker(uri).source("props").build());
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    static String phone(String caller) {
        return "<Event xmlns='" + NS + "'><PhoneStatus><CallerId>" + caller + "</CallerId><ReceiverId>1</ReceiverId>"
                + "<Status>busy</Status></PhoneStatus></Event>";
    }

    static void send(String caller, Map<String, Object> properties) throws Exception {
        Map<String, Object> all = new HashMap<>(properties);
        all.put(XqBus.PROP_TYPE, "PhoneStatus");
        try (RawAmqp raw = new RawAmqp(broker, null, null)) {
            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone(caller), all));
        }
    }

    @Test
    void aDeclaredVariableMatchesTheSameNamedProperty() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "declare variable $user_id external; "
                + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'uid-')][$user_id = 'jdoe']", inbox)) {
            send("uid-other", Map.of("user_id", "someone"));
            send("uid-none", Map.of());
            send("uid-jdoe", Map.of("user_id", "jdoe"));
            Match m = inbox.next();
            assertEquals("uid-jdoe", m.event().value("CallerId"), "only the event whose user_id is jdoe matches");
        }
    }

    @Test
    void valuesAreTypedAsSentAndAnAbsentPropertyIsTheEmptySequence() throws Exception {
        Inbox inbox = new Inbox();
        String query = F + """
                declare variable $count external; declare variable $big external; declare variable $ratio external;
                declare variable $urgent external; declare variable $user_id external; declare variable $absent external;
                /f:Event/f:PhoneStatus[f:CallerId = 'typed']/string-join((
                  $count instance of xs:integer, $count + 1, $big instance of xs:integer, $ratio instance of xs:double, $ratio * 2,
                  $urgent instance of xs:boolean, not($urgent), $user_id instance of xs:string, empty($absent)), ' ')""";
        try (Subscription s = bus.subscribe(query, inbox)) {
            send("typed", Map.of("count", 7, "big", 9_000_000_000L, "ratio", 2.5d, "urgent", true, "user_id", "jdoe"));
            Match m = inbox.next();
            assertEquals("true 8 true true 5 true false true true", m.result().itemAt(0).getStringValue());
        }
    }

    @Test
    void theEnvelopeVariablesStayTheEnvelopes() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "declare variable $source external; "
                + "/f:Event/f:PhoneStatus[f:CallerId = 'env-source']/string($source)", inbox)) {
            // a property named like an envelope variable does not replace the envelope's value
            bus.publish(phone("env-source"));
            assertEquals("props", inbox.next().result().itemAt(0).getStringValue());
        }
    }

    @Test
    void aVariableInANamespaceIsStillRefused() {
        FilterCompileException e = assertThrows(FilterCompileException.class,
                () -> Filter.compile("ns", "declare namespace x='urn:x'; declare variable $x:user_id external; $x:user_id"));
        assertTrue(e.getMessage().contains("$x:user_id") && e.getMessage().contains("no namespace"), e.getMessage());
    }

    /** A typo shows: one warning per filter, naming the variable and the properties the events had. */
    @Test
    void aVariableThatNoPropertyOfTheFirstEventsMatchedIsWarnedAboutOnce() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Inbox inbox = new Inbox();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Subscription s = bus.subscribe(List.of(Filter.compile("typo", F + "declare variable $userid external; "
                        + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'typo-')][empty($userid) or $userid = 'jdoe']")), inbox)) {
            int n = FilterSet.PROPERTY_CHECK_EVENTS * 3;
            for (int i = 0; i < n; i++) {
                send("typo-" + i, Map.of("user_id", "jdoe"));
            }
            inbox.next(n);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        String warning = "filter typo declares $userid, but none of its first " + FilterSet.PROPERTY_CHECK_EVENTS
                + " events had a message property of that name";
        assertTrue(log.contains(warning), log);
        assertTrue(log.contains("user_id"), "the warning lists the properties seen: " + log);
        assertEquals(1, log.split(java.util.regex.Pattern.quote(warning), -1).length - 1, "warned once: " + log);
    }
}
