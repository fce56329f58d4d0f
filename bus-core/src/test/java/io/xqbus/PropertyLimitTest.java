package io.xqbus;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #23 item 9: message properties are bounded like values ({@link Limits#maxPropertyChars}, {@link Limits#MAX_ID_CHARS},
 * {@link Limits#maxPropertiesChars}): a foreign producer's oversized property is rejected, named with its length,
 * before it becomes an event id or a log line, and the next good event flows.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class PropertyLimitTest {

    static final String NS = "http://www.gonicus.de/Events";

    static String phone(String caller) {
        return "<Event xmlns='" + NS + "'><PhoneStatus><CallerId>" + caller + "</CallerId><ReceiverId>1</ReceiverId><Status>busy</Status>"
                + "</PhoneStatus></Event>";
    }

    @Test
    void oversizedPropertiesAreRejectedNamedAndTheNextEventFlows(URI broker) throws Exception {
        List<String> ids = new CopyOnWriteArrayList<>();
        List<String> reasons = new CopyOnWriteArrayList<>();
        Inbox inbox = new Inbox();
        BusListener listener = new BusListener() {
            @Override
            public void eventRejected(String messageId, InvalidEventException reason) {
                ids.add(messageId);
                reasons.add(reason.getMessage());
            }
        };
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).listener(listener).build());
             Subscription s = bus.subscribe("declare namespace f='" + NS + "'; /f:Event/f:PhoneStatus", inbox);
             RawAmqp raw = new RawAmqp(broker, null, null)) {
            String tenMegabytes = "i".repeat(10 << 20);
            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone("huge-id"), Map.of(XqBus.PROP_ID, tenMegabytes)));
            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone("good-1"), Map.of(XqBus.PROP_ID, "good-1")));
            String first = inbox.next().event().id();
            assertEquals("good-1", first.length() > 80 ? first.substring(0, 80) + "… (" + first.length() + " characters)" : first,
                    "the next good event flows, and the huge id did not become an event id");

            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone("long-note"), Map.of("note", "n".repeat(5000))));
            Map<String, Object> many = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                many.put("p" + i, "v".repeat(4000));   // each within its bound, together over 64 Ki
            }
            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone("many"), many));
            org.apache.qpid.proton.message.Message longMessageId = RawAmqp.text(phone("long-message-id"), null);
            longMessageId.setMessageId("m".repeat(1000));
            raw.sendAccepted("xqbus.events.PhoneStatus", longMessageId);
            raw.sendAccepted("xqbus.events.PhoneStatus", RawAmqp.text(phone("good-2"), Map.of(XqBus.PROP_ID, "good-2")));
            assertEquals("good-2", inbox.next().event().id());

            Inbox.await("four rejections", () -> s.rejected() == 4);
            assertEquals(4, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).contains("xqbus_id") && reasons.get(0).contains(String.valueOf(10 << 20))
                    && reasons.get(0).contains(String.valueOf(Limits.MAX_ID_CHARS)), reasons.get(0));
            assertTrue(reasons.get(1).contains("note") && reasons.get(1).contains("5000")
                    && reasons.get(1).contains(String.valueOf(Limits.DEFAULT_MAX_PROPERTY_CHARS)), reasons.get(1));
            assertTrue(reasons.get(2).contains(String.valueOf(Limits.DEFAULT_MAX_PROPERTIES_CHARS)) && reasons.get(2).contains("together"),
                    reasons.get(2));
            assertTrue(reasons.get(3).contains("message id") && reasons.get(3).contains("1000"), reasons.get(3));
            for (int i = 0; i < 4; i++) {
                assertTrue(reasons.get(i).length() < 1000 && ids.get(i).length() < 300, "no oversized value is shown: " + ids.get(i));
            }
            assertEquals("message with an id of " + (10 << 20) + " characters on xqbus.events.PhoneStatus", ids.get(0));
            assertEquals("message with an id of 1000 characters on xqbus.events.PhoneStatus", ids.get(3));
            assertEquals(2, s.matched(), "only the good events were matched");
        }
    }

    @Test
    void aPublisherRefusesAnEnvelopeIdConsumersWouldReject(URI broker) throws Exception {
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            InvalidEventException e = assertThrows(InvalidEventException.class,
                    () -> bus.publish(EventBuilder.of("PhoneStatus").id("x".repeat(Limits.MAX_ID_CHARS + 1))
                            .add("CallerId", "1").add("ReceiverId", "2").add("Status", "busy")));
            assertTrue(e.getMessage().contains("attribute id") && e.getMessage().contains(String.valueOf(Limits.MAX_ID_CHARS + 1)), e.getMessage());
            assertFalse(e.getMessage().contains("x".repeat(Limits.MAX_ID_CHARS + 1)), "the id is not repeated");
            bus.publish(EventBuilder.of("PhoneStatus").id("x".repeat(Limits.MAX_ID_CHARS)).add("CallerId", "1").add("ReceiverId", "2").add("Status", "busy"));
        }
    }
}
