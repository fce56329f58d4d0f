package io.xqbus;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;

import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.NameAdmission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events with ever new element names cannot fill the XQuery engine's name pool (which never forgets a name):
 * past {@link Limits#maxDistinctNames}, an event bringing a name not met before is refused, with the name in
 * the message, before the name reaches the pool; events with names already met, and filters, keep working.
 * The budget is the process's, so the limit is set just above what events have spent when the test starts.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class NameLimitTest {

    static final String NS = "urn:xqbus:names:" + System.nanoTime();

    /** An event with 2 × count names: elements prefix+i, each with an attribute "a"+prefix+i. */
    static String event(String prefix, int from, int count) {
        StringBuilder b = new StringBuilder("<Event xmlns='" + NS + "'><Reading>");
        for (int i = from; i < from + count; i++) {
            b.append('<').append(prefix).append(i).append(" a").append(prefix).append(i).append("='v'>x</").append(prefix).append(i).append('>');
        }
        return b.append("</Reading></Event>").toString();
    }

    @Test
    void pastTheLimitEventsWithNewNamesAreRefusedAndTheRestPass() throws Exception {
        NamePool pool = Sandbox.processor().getUnderlyingConfiguration().getNamePool();
        Limits limits = Limits.DEFAULT.withMaxDistinctNames((int) NameAdmission.spent() + 100);
        try (FilterSet set = FilterSet.of(List.of(Filter.compile("all", "declare namespace n='" + NS + "'; /n:Event/n:Reading")),
                limits, new BusListener() { })) {
            assertEquals(1, set.match(event("A", 0, 30)).size(), "60 new names (and the URI), below the limit");
            InvalidEventException crossing = assertThrows(InvalidEventException.class, () -> set.match(event("B", 0, 30)),
                    "60 more would cross the limit: the event is refused at the name that would");
            assertTrue(crossing.getMessage().contains("Limits.maxDistinctNames"), crossing.getMessage());

            InvalidEventException refused = assertThrows(InvalidEventException.class, () -> set.match(event("C", 0, 1)));
            assertTrue(refused.getMessage().contains("{" + NS + "}C0") && refused.getMessage().contains("Limits.maxDistinctNames"),
                    refused.getMessage());
            assertEquals(-1, pool.getFingerprint(NamespaceUri.of(NS), "C0"), "the refused name never reached the pool");

            InvalidEventException attribute = assertThrows(InvalidEventException.class,
                    () -> set.match("<Event xmlns='" + NS + "'><Reading><A0 fresh='v'/></Reading></Event>"));
            assertTrue(attribute.getMessage().contains("attribute name fresh"), attribute.getMessage());

            assertEquals(1, set.match(event("A", 0, 30)).size(), "names already met still pass");
            assertEquals(1, set.match(event("B", 0, 10)).size(), "so do those the refused event brought before its refusal");
        }
    }

    @Test
    void aSubscriptionPastTheLimitRejectsEventsWithNewNamesAndGoesOn(URI broker) throws Exception {
        List<String> rejections = new CopyOnWriteArrayList<>();
        BusOptions options = BusOptions.builder().broker(broker).limits(Limits.DEFAULT.withMaxDistinctNames((int) NameAdmission.spent() + 100))
                .listener(new BusListener() {
                    @Override
                    public void eventRejected(String messageId, InvalidEventException reason) {
                        rejections.add(reason.getMessage());
                    }
                }).build();
        Inbox inbox = new Inbox();
        try (XqBus consumer = XqBus.connect(options);
             Subscription s = consumer.subscribe(EndToEndTest.F + "/f:Event/f:PhoneStatus[f:CallerId = 'names']", inbox)) {
            Receipt before = consumer.publish(EndToEndTest.phone("names", "idle"));   // its names are met before the flood
            assertEquals(before.id(), inbox.next().event().id());
            // a foreign producer (nothing validates on the way) sends events with 50 new element names each
            Connection c = new JmsConnectionFactory(broker).createConnection();
            try {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var producer = session.createProducer(session.createTopic("xqbus.events.PhoneStatus"));
                for (int e = 0; e < 3; e++) {
                    StringBuilder b = new StringBuilder("<Event xmlns='" + EndToEndTest.NS + "'><PhoneStatus><CallerId>x</CallerId>");
                    for (int i = 0; i < 50; i++) {
                        b.append("<Q").append(System.identityHashCode(b)).append('_').append(e * 50 + i).append("/>");
                    }
                    producer.send(session.createTextMessage(b.append("</PhoneStatus></Event>").toString()));
                }
            } finally {
                c.close();
            }
            Receipt good = consumer.publish(EndToEndTest.phone("names", "busy"));
            assertEquals(good.id(), inbox.next().event().id(), "events with names already met still arrive");
            assertEquals(5, s.received());
            assertEquals(1, s.rejected(), "the third event of the flood, which would cross the limit, is refused; the first two reach it");
            assertEquals(1, rejections.size());
            assertTrue(rejections.get(0).contains("Limits.maxDistinctNames"), rejections.get(0));
        }
    }
}
