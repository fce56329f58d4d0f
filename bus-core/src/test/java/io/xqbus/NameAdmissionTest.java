package io.xqbus;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;

import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.NameAdmission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer cannot lock consumers out or stall them through the XQuery engine's name pool: the names the
 * schemas declare always pass, one event brings at most a bounded number of new names and namespace URIs,
 * names built to share a hash code are refused after a few, and namespace URIs are counted like names.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class NameAdmissionTest {

    static final String NS = "urn:xqbus:admission:" + System.nanoTime();
    static final NamePool POOL = Sandbox.processor().getUnderlyingConfiguration().getNamePool();

    /** An event of type Meter in {@link #NS} with {@code count} elements named prefix + i. */
    static String junk(String prefix, int count) {
        StringBuilder b = new StringBuilder("<Event xmlns='" + NS + "'><Meter serial='s'><Reading>1</Reading>");
        for (int i = 0; i < count; i++) {
            b.append('<').append(prefix).append(i).append("/>");
        }
        return b.append("</Meter></Event>").toString();
    }

    @Test
    void afterAFloodOfNewNamesEventsOfTheSchemasTypesStillFlow(URI broker, @TempDir Path dir) throws Exception {
        // a type of its own, so no other test has brought its names into the pool before
        Files.writeString(dir.resolve("Meter.xsd"), """
                <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="%s" elementFormDefault="qualified">
                  <xs:element name="Meter">
                    <xs:complexType>
                      <xs:sequence>
                        <xs:element name="Reading" type="xs:int"/>
                        <xs:element name="Unit" type="xs:string" minOccurs="0"/>
                      </xs:sequence>
                      <xs:attribute name="serial" type="xs:string"/>
                    </xs:complexType>
                  </xs:element>
                </xs:schema>
                """.formatted(NS));
        SchemaSet schemas = SchemaSet.load(dir);
        assertTrue(POOL.getFingerprint(NamespaceUri.of(NS), "Unit") != -1, "the schema's names are in the pool once it compiles");
        List<String> rejections = new CopyOnWriteArrayList<>();
        BusOptions options = BusOptions.builder().broker(broker).schemas(schemas)
                .limits(Limits.DEFAULT.withMaxDistinctNames((int) NameAdmission.spent() + 500))
                .listener(new BusListener() {
                    @Override
                    public void eventRejected(String messageId, InvalidEventException reason) {
                        rejections.add(reason.getMessage());
                    }
                }).build();
        Inbox inbox = new Inbox();
        try (XqBus bus = XqBus.connect(options);
             Subscription s = bus.subscribe("declare namespace m='" + NS + "'; /m:Event/m:Meter[m:Unit = 'kWh']/@serial/string()", inbox)) {
            Connection c = new JmsConnectionFactory(broker).createConnection();
            try {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer junk = session.createProducer(session.createTopic("xqbus.events.Meter"));
                for (int round = 0; round < 3; round++) {
                    for (int e = 0; e < 4; e++) {   // a foreign producer: nothing validates on its way
                        junk.send(session.createTextMessage(junk("J" + round + "x" + e + "n", 300)));
                    }
                    // the first time its names (the envelope's, the type's, the filter's) are met, after the budget is gone
                    Receipt good = bus.publish(EventBuilder.of(NS, "Meter").attribute("serial", "m" + round)
                            .add("Reading", "7").add("Unit", "kWh"));
                    Match m = inbox.next();
                    assertEquals(good.id(), m.event().id(), "a good event flows during the flood");
                    assertEquals("m" + round, m.result().itemAt(0).getStringValue());
                }
            } finally {
                c.close();
            }
            Inbox.await("all 15 events received", () -> s.received() == 15);
            assertEquals(11, s.rejected(), "the first junk event fits the budget; the rest are refused");
            assertTrue(rejections.stream().allMatch(r -> r.contains("Limits.maxDistinctNames")), rejections.toString());
        }
    }

    @Test
    void oneEventBringsAtMostItsShareOfNewNames() throws Exception {
        try (FilterSet set = FilterSet.of(List.of(Filter.compile("all", "declare namespace n='" + NS + "'; /n:Event/n:Meter")),
                Limits.DEFAULT, new BusListener() { })) {
            long before = NameAdmission.spent();
            InvalidEventException e = assertThrows(InvalidEventException.class,
                    () -> set.match(junk("Wide" + System.nanoTime() + "n", NameAdmission.NEW_UNITS_PER_EVENT + 1)));
            assertTrue(e.getMessage().contains("an event may bring at most " + NameAdmission.NEW_UNITS_PER_EVENT), e.getMessage());
            assertTrue(NameAdmission.spent() - before <= NameAdmission.NEW_UNITS_PER_EVENT);
            assertEquals(1, set.match(junk("Ordinary" + System.nanoTime() + "n", 200)).size(), "an event with 200 new names passes");
        }
    }

    /** {@code count} distinct local names with one String hash code: blocks of "Aa" and "BB" (which hash alike). */
    static List<String> colliding(int from, int count) {
        List<String> names = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            StringBuilder b = new StringBuilder("C");
            for (int bit = 0; bit < 16; bit++) {
                b.append((n >> bit & 1) == 0 ? "Aa" : "BB");
            }
            names.add(b.toString());
        }
        return names;
    }

    @Test
    void namesBuiltToShareAHashCodeAreRefusedAfterAFew() throws Exception {
        String ns = NS + ":collide";
        try (FilterSet set = FilterSet.of(List.of(Filter.compile("all", "/*")), Limits.DEFAULT, new BusListener() { })) {
            for (int round = 0; round < 2; round++) {
                List<String> names = colliding(round * 20_000, 20_000);
                assertEquals(1, names.stream().mapToInt(String::hashCode).distinct().count());
                StringBuilder b = new StringBuilder("<Event xmlns='" + ns + "'><Flood>");
                names.forEach(n -> b.append('<').append(n).append("/>"));
                String event = b.append("</Flood></Event>").toString();
                assertTrue(event.length() > 700_000 && event.length() < Limits.DEFAULT_MAX_EVENT_BYTES, "about 920 KB: " + event.length());
                InvalidEventException e = assertThrows(InvalidEventException.class, () -> set.match(event));
                assertTrue(e.getMessage().contains("share its hash code"), e.getMessage());
            }
            long inPool = colliding(0, 40_000).stream().filter(n -> POOL.getFingerprint(NamespaceUri.of(ns), n) != -1).count();
            assertTrue(inPool <= NameAdmission.PER_HASH, inPool + " colliding names reached the pool");
            assertEquals(1, set.match("<Event xmlns='" + ns + "'><Flood><Ordinary/></Flood></Event>").size());
        }
    }

    @Test
    void namespaceUrisAreCountedAndBoundedPerEvent() throws Exception {
        String base = "urn:xqbus:uri:" + System.nanoTime() + ":";
        try (FilterSet set = FilterSet.of(List.of(Filter.compile("all", "/*")), Limits.DEFAULT, new BusListener() { })) {
            StringBuilder many = new StringBuilder("<Event xmlns='" + NS + "'><Meter");
            for (int i = 0; i <= NameAdmission.NEW_URIS_PER_EVENT; i++) {
                many.append(" xmlns:p").append(i).append("='").append(base).append(i).append('\'');
            }
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> set.match(many + "/></Event>"),
                    "declared, not even used: each would stay interned for the life of the process");
            assertTrue(e.getMessage().contains("namespace URIs new to this process"), e.getMessage());

            String longUri = base + "long:" + "x".repeat(900);
            String event = "<Event xmlns='" + NS + "'><Meter xmlns:a='" + longUri + "1' xmlns:b='" + longUri + "2'/></Event>";
            long before = NameAdmission.spent();
            assertEquals(1, set.match(event).size());
            long cost = NameAdmission.spent() - before;
            assertTrue(cost >= 2 * (900 / NameAdmission.CHARS_PER_UNIT), "long URIs cost by their length: " + cost);
            before = NameAdmission.spent();
            assertEquals(1, set.match(event).size());
            assertEquals(before, NameAdmission.spent(), "URIs met before cost nothing");
        }
    }
}
