package io.xqbus;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import net.sf.saxon.s9api.XdmNode;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walking skeleton end to end: validated events through the embedded broker over TCP to XQuery filters. */
@ExtendWith(EmbeddedBrokerExtension.class)
class EndToEndTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final String F = "declare namespace f='" + NS + "'; ";

    static XqBus bus;

    @BeforeAll
    static void connect(URI broker) throws Exception {
        bus = XqBus.connect(BusOptions.builder().broker(broker).source("test-host").build());
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    static EventBuilder phone(String caller, String status) {
        return EventBuilder.of("PhoneStatus").add("CallerId", caller).add("ReceiverId", "12343424").add("Status", status);
    }

    @Test
    void lineageQueryReceivesThePhoneStatusPayload() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "let $e := ./f:Event return $e/f:PhoneStatus[f:CallerId = 'lineage']", inbox)) {
            Receipt r = bus.publish(phone("lineage", "busy"));
            Match m = inbox.next();
            assertEquals(r.id(), m.event().id());
            assertEquals(1, m.result().size());
            XdmNode payload = (XdmNode) m.result().itemAt(0);
            assertEquals("PhoneStatus", payload.getNodeName().getLocalName());
            assertEquals(NS, payload.getNodeName().getNamespace());
            assertEquals("lineage", m.event().value("CallerId"));
            assertEquals("busy", m.event().value("Status"));
            assertEquals("PhoneStatus", m.event().type());
            assertEquals(NS, m.event().namespace());
            assertEquals("test-host", m.event().source());
            assertEquals(bus.producerId(), m.event().producer());
            assertEquals(r.seq(), m.event().seq());
            assertNotNull(m.event().time());
            assertEquals("xqbus.events.PhoneStatus", m.event().address());
            assertEquals("xqbus.events.PhoneStatus", r.address());
        }
    }

    @Test
    void aNonMatchingEventDoesNotReachTheCallback() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'nm'][f:Status = 'busy']", inbox)) {
            bus.publish(phone("nm", "idle"));
            Receipt busy = bus.publish(phone("nm", "busy"));
            Match first = inbox.next();
            assertEquals(busy.id(), first.event().id(), "the idle event, sent first, must not have matched");
            Inbox.await("both events received", () -> s.received() >= 2);
            assertTrue(inbox.isEmpty());
            assertEquals(1, s.matched());
        }
    }

    @Test
    void theMatchRuleIsTheEffectiveBooleanValue() throws Exception {
        Inbox inbox = new Inbox();
        List<Filter> filters = List.of(
                Filter.compile("false", "false()"),
                Filter.compile("true", "true()"),
                Filter.compile("zero", "0"),
                Filter.compile("empty-string", "''"),
                Filter.compile("empty", "()"),
                Filter.compile("nan", "number('x')"),
                Filter.compile("one", "1"),
                Filter.compile("string", "'yes'"),
                Filter.compile("two-strings", "('a', 'b')"),
                Filter.compile("nodes", F + "(/f:Event/f:PhoneStatus/*)"),
                Filter.compile("last", "true()"));
        try (Subscription s = bus.subscribe(filters, inbox)) {
            bus.publish(phone("ebv", "busy"));
            List<Match> got = inbox.next(5);
            assertEquals(List.of("true", "one", "string", "nodes", "last"), got.stream().map(Match::filter).toList());
            assertEquals(1, s.filterErrors(), "two strings have no effective boolean value: a counted filter error");
            assertEquals(0, s.matched("two-strings"));
            assertEquals(3, got.get(3).result().size());
            assertTrue(inbox.isEmpty());
        }
    }

    @Test
    void twoSubscriptionsEachGetExactlyTheirEvents() throws Exception {
        Inbox busy = new Inbox();
        Inbox idle = new Inbox();
        try (Subscription a = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'two'][f:Status = 'busy']", busy);
             Subscription b = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'two'][f:Status = 'idle']", idle)) {
            for (int i = 0; i < 5; i++) {
                bus.publish(phone("two", i % 2 == 0 ? "busy" : "idle"));
            }
            assertEquals(List.of("busy", "busy", "busy"), busy.next(3).stream().map(m -> m.event().value("Status")).toList());
            assertEquals(List.of("idle", "idle"), idle.next(2).stream().map(m -> m.event().value("Status")).toList());
            Inbox.await("all events received by both", () -> a.received() >= 5 && b.received() >= 5);
            assertTrue(busy.isEmpty());
            assertTrue(idle.isEmpty());
        }
    }

    @Test
    void anEventThatBreaksItsXsdIsRefusedBeforeSendingWithLineColumnAndElement() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'xsd']", inbox)) {
            String bad = """
                    <Event xmlns="http://www.gonicus.de/Events">
                      <PhoneStatus>
                        <CallerId>xsd</CallerId>
                        <ReceiverId>1</ReceiverId>
                        <Colour>red</Colour>
                      </PhoneStatus>
                    </Event>""";
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> bus.publish(bad, "bad.xml"));
            assertFalse(e instanceof UnknownEventTypeException);
            assertEquals("bad.xml", e.location().source());
            assertEquals(5, e.location().line());
            assertTrue(e.location().column() > 0);
            assertEquals("/Event/PhoneStatus/Colour", e.location().elementPath());
            assertTrue(e.getMessage().contains("Colour"), e.getMessage());

            Receipt good = bus.publish(phone("xsd", "busy"));
            assertEquals(good.id(), inbox.next().event().id(), "the invalid event must not have been sent");
        }
    }

    @Test
    void aMissingRequiredElementNamesThePayload() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "1").add("ReceiverId", "2")));
        assertEquals("/Event/PhoneStatus", e.location().elementPath());
        assertTrue(e.problem().contains("Status"), e.problem());
    }

    @Test
    void anUnknownEventTypeIsRefusedWithNearMatches() {
        UnknownEventTypeException e = assertThrows(UnknownEventTypeException.class,
                () -> bus.publish("<PhoneStatu xmlns='" + NS + "'><CallerId>1</CallerId></PhoneStatu>"));
        assertEquals("PhoneStatu", e.localName());
        assertEquals(List.of("PhoneStatus"), e.nearMatches());
        assertThrows(UnknownEventTypeException.class, () -> bus.publish(EventBuilder.of("NoSuchEvent").add("A", "b")));
    }

    @Test
    void doctypeAndExternalEntitiesAreRefused() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE Event [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <Event xmlns="http://www.gonicus.de/Events"><PhoneStatus><CallerId>&xxe;</CallerId>
                <ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>""";
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> bus.publish(xxe, "xxe.xml"));
        assertTrue(e.problem().contains("DOCTYPE"), e.problem());
        assertEquals(2, e.location().line());
        String bomb = "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>"
                + "<PhoneStatus xmlns='" + NS + "'><CallerId>&lol2;</CallerId><ReceiverId>1</ReceiverId><Status>b</Status></PhoneStatus>";
        assertThrows(InvalidEventException.class, () -> bus.publish(bomb));
    }

    @Test
    void filtersCannotReadFilesOrTheEnvironment() throws Exception {
        Inbox inbox = new Inbox();
        List<Filter> filters = List.of(
                Filter.compile("doc", "doc('file:///etc/passwd')"),
                Filter.compile("unparsed-text", "unparsed-text('file:///etc/passwd')"),
                Filter.compile("collection", "collection('file:///etc/')"),
                Filter.compile("json-doc", "json-doc('file:///etc/passwd')"),
                Filter.compile("doc-available", "doc-available('file:///etc/passwd')"),
                Filter.compile("parse-xml", "parse-xml('<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&amp;x;</r>')"),
                Filter.compile("env", "available-environment-variables()"),
                Filter.compile("sentinel", F + "/f:Event/f:PhoneStatus[f:CallerId = 'sandbox']"));
        try (Subscription s = bus.subscribe(filters, inbox)) {
            bus.publish(phone("sandbox", "busy"));
            Match m = inbox.next();
            assertEquals("sentinel", m.filter(), "no sandboxed filter may match, least of all with file content");
            assertTrue(inbox.isEmpty());
            assertEquals(5, s.filterErrors(), "doc, unparsed-text, collection, json-doc and parse-xml are errors");
            assertEquals(0, s.matched("doc-available"));
            assertEquals(0, s.matched("env"));
        }
        FilterCompileException imp = assertThrows(FilterCompileException.class, () -> Filter.compile("import",
                "import module namespace x = 'http://example.com/x' at 'file:///etc/passwd'; 1"));
        assertNotNull(imp.errorCode());
    }

    @Test
    void aFilterThatDoesNotCompileFailsAtSubscribeWithLineColumnAndCode() {
        FilterCompileException e = assertThrows(FilterCompileException.class,
                () -> bus.subscribe("declare namespace f='" + NS + "';\n/f:Event/f:PhoneStatus[", m -> { }));
        assertEquals("XPST0003", e.errorCode());
        assertEquals(2, e.location().line());
        assertTrue(e.location().column() > 0, e.getMessage());
        FilterCompileException undeclared = assertThrows(FilterCompileException.class, () -> Filter.compile("x", "$nope"));
        assertEquals("XPST0008", undeclared.errorCode());
    }

    @Test
    void envelopeFieldsAreExternalVariablesAndSequenceNumbersCount() throws Exception {
        Inbox inbox = new Inbox();
        String q = """
                declare namespace f='http://www.gonicus.de/Events';
                declare variable $type external; declare variable $seq external; declare variable $source external;
                if ($type = 'PhoneStatus' and $source = 'test-host' and /f:Event/f:PhoneStatus/f:CallerId = 'vars')
                then $seq else ()""";
        try (Subscription s = bus.subscribe(q, inbox)) {
            Receipt a = bus.publish(phone("vars", "busy"));
            Receipt b = bus.publish(phone("vars", "idle"));
            assertEquals(a.seq() + 1, b.seq());
            List<Match> got = inbox.next(2);
            assertEquals(String.valueOf(a.seq()), got.get(0).result().toString());
            assertEquals(String.valueOf(b.seq()), got.get(1).result().toString());
            assertEquals(b.seq(), got.get(1).event().seq());
        }
    }

    @Test
    void publishedMessagesCarryTheApplicationProperties(URI broker) throws Exception {
        Connection c = new JmsConnectionFactory(broker).createConnection();
        try {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createTopic("xqbus.events.PhoneStatus"));
            Receipt r = bus.publish(phone("props", "busy"));
            TextMessage m = (TextMessage) consumer.receive(Inbox.DEADLINE.toMillis());
            assertNotNull(m);
            assertEquals(r.id(), m.getStringProperty("xqbus_id"));
            assertEquals("PhoneStatus", m.getStringProperty("xqbus_type"));
            assertEquals(NS, m.getStringProperty("xqbus_ns"));
            assertEquals("test-host", m.getStringProperty("xqbus_source"));
            assertEquals(bus.producerId(), m.getStringProperty("xqbus_producer"));
            assertEquals(r.seq(), m.getLongProperty("xqbus_seq"));
            assertTrue(m.getText().startsWith("<Event xmlns=\"" + NS + "\" id=\"" + r.id() + "\""), m.getText());
        } finally {
            c.close();
        }
    }

    @Test
    void foreignMessagesAreWrappedAndFiltered(URI broker) throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "declare variable $id external; /f:Event/f:PhoneStatus[f:CallerId = 'foreign']", inbox)) {
            Connection c = new JmsConnectionFactory(broker).createConnection();
            try {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var producer = session.createProducer(session.createTopic("xqbus.events"));
                String bare = "<PhoneStatus xmlns='" + NS + "'><CallerId>foreign</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus>";
                producer.send(session.createTextMessage(bare));
                var bytes = session.createBytesMessage();
                bytes.writeBytes(("<?xml version='1.0' encoding='ISO-8859-1'?>" + bare.replace("busy", "b\u00e9sy"))
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                producer.send(bytes);
            } finally {
                c.close();
            }
            List<Match> got = inbox.next(2);
            assertEquals("Event", got.get(0).event().document().children().iterator().next().getNodeName().getLocalName());
            assertEquals("busy", got.get(0).event().value("Status"));
            assertNotNull(got.get(0).event().id());
            assertEquals("b\u00e9sy", got.get(1).event().value("Status"), "a Data section keeps its declared encoding");
            assertEquals(0, s.rejected());
        }
    }

    @Test
    void messagesThatAreNotEventsAreCountedAndTheSubscriptionGoesOn(URI broker) throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'poison']", inbox)) {
            Connection c = new JmsConnectionFactory(broker).createConnection();
            try {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var producer = session.createProducer(session.createTopic("xqbus.events.PhoneStatus"));
                producer.send(session.createTextMessage("<not-closed>"));
                producer.send(session.createTextMessage("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"));
                var invalidUtf8 = session.createBytesMessage();
                invalidUtf8.writeBytes(new byte[] {'<', 'a', '>', (byte) 0xC3, (byte) 0x28, '<', '/', 'a', '>'});
                producer.send(invalidUtf8);
                producer.send(session.createTextMessage("<Event xmlns='" + NS + "'><PhoneStatus/><PhoneStatus/></Event>"));
            } finally {
                c.close();
            }
            Receipt good = bus.publish(phone("poison", "busy"));
            assertEquals(good.id(), inbox.next().event().id());
            assertEquals(4, s.rejected());
        }
    }

    @Test
    void closingASubscriptionStopsDelivery() throws Exception {
        Inbox inbox = new Inbox();
        Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'closed']", inbox);
        s.close();
        assertTrue(s.isClosed());
        Inbox other = new Inbox();
        try (Subscription t = bus.subscribe(F + "/f:Event/f:PhoneStatus[f:CallerId = 'closed']", other)) {
            bus.publish(phone("closed", "busy"));
            other.next();
            assertTrue(inbox.isEmpty());
            assertEquals(0, s.received());
        }
    }
}
