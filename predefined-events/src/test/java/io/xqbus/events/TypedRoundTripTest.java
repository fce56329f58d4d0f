package io.xqbus.events;

import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.xml.namespace.QName;
import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.Marshaller;

import io.xqbus.BusOptions;
import io.xqbus.Event;
import io.xqbus.EventType;
import io.xqbus.Match;
import io.xqbus.SchemaSet;
import io.xqbus.Subscription;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every predefined event: a sample payload unmarshalled to its generated class, published through the typed
 * API, received by an XQuery filter written against the lineage namespace, and received typed (the
 * filter-matched event unmarshalled to its class).
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class TypedRoundTripTest {

    static final String NS = "http://www.gonicus.de/Events";
    static XqBus bus;
    static JAXBContext jaxb;

    @BeforeAll
    static void connect(URI broker) throws Exception {
        bus = XqBus.connect(BusOptions.builder().broker(broker).build());
        jaxb = JAXBContext.newInstance(ObjectFactory.class);
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    @TestFactory
    List<DynamicTest> everyPredefinedEventRoundTrips() throws Exception {
        return SchemaSet.predefined().eventTypes().stream()
                .filter(t -> t.namespace().equals(NS))
                .map(t -> DynamicTest.dynamicTest(t.name(), () -> roundTrip(t)))
                .toList();
    }

    static void roundTrip(EventType type) throws Exception {
        String sample;
        try (InputStream in = TypedRoundTripTest.class.getResourceAsStream("/samples/" + type.name() + ".xml")) {
            assertNotNull(in, "no sample payload for " + type.name() + " in src/test/resources/samples");
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        Class<?> cls = Class.forName("io.xqbus.events." + type.name());
        Object value = jaxb.createUnmarshaller().unmarshal(new StreamSource(new StringReader(sample)), cls).getValue();

        LinkedBlockingQueue<Match> byQuery = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Object> typed = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Event> metas = new LinkedBlockingQueue<>();
        try (Subscription q = bus.subscribe("declare namespace f='" + NS + "'; ./f:Event/f:" + type.name(), byQuery::add);
             Subscription s = bus.subscribe(cls, (event, meta) -> {
                 typed.add(event);
                 metas.add(meta);
             })) {
            var receipt = bus.publish(value);
            assertEquals(type.name(), receipt.type());

            Match m = byQuery.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, type.name() + " did not reach the XQuery filter");
            assertEquals(receipt.id(), m.event().id());
            Object back = typed.poll(20, TimeUnit.SECONDS);
            assertNotNull(back, type.name() + " did not reach the typed subscription");
            assertEquals(cls, back.getClass());
            assertEquals(xml(value, type.name()), xml(back, type.name()), "the typed round trip changed the event");
            assertEquals(receipt.id(), metas.poll(1, TimeUnit.SECONDS).id());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static String xml(Object value, String name) throws Exception {
        Marshaller m = jaxb.createMarshaller();
        StringWriter out = new StringWriter();
        m.marshal(new JAXBElement(new QName(NS, name), value.getClass(), value), out);
        return out.toString();
    }
}
