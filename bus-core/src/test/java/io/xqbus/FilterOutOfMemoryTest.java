package io.xqbus;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** #23 item 8: a filter's OutOfMemoryError on the inline path is that filter's error; the other filters still see the event. */
@ExtendWith(EmbeddedBrokerExtension.class)
class FilterOutOfMemoryTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    /**
     * A picture width of 2,000,000,000 makes Saxon allocate one int[2000000000] (8 GB) for the year at once: an
     * OutOfMemoryError on every heap of the tests, without filling it first (the request fails whole).
     */
    static final String HUGE_YEAR = F + "/f:Event/f:PhoneStatus[string-length(format-date(current-date(), '[Y,2000000000]')) > 0]";

    @Test
    void anInlineFiltersOutOfMemoryErrorIsCountedReportedAndTheOtherFiltersStillMatch(URI broker) throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        BusListener listener = new BusListener() {
            @Override
            public void filterFailed(String filter, String eventId, String errorCode, String message) {
                heard.add(filter + " " + eventId + " " + message);
            }
        };
        // the allow-list (#23 item 7) runs format-date guarded; an inline filter can still run out of memory when the
        // heap is short for other reasons (the plain path on an 800 KB event), so the test puts it inline
        Filter huge = Filter.inlineForTests(Filter.compile("huge-year", HUGE_YEAR));
        Filter plain = Filter.compile("plain", F + "/f:Event/f:PhoneStatus/f:CallerId");
        assertFalse(huge.guarded(), "the test needs a filter that runs inline, on the delivery thread");
        assertTrue(Filter.compile("huge-year", HUGE_YEAR).guarded(), "the analysis itself keeps it off the inline path");
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).listener(listener).build())) {
            Inbox inbox = new Inbox();
            try (Subscription s = bus.subscribe(List.of(huge, plain), inbox)) {
                Receipt sent = bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "oom-1").add("ReceiverId", "1").add("Status", "busy"));
                Match m = inbox.next();
                assertEquals("plain", m.filter(), "the filter after the one that ran out of memory still matches");
                assertEquals(sent.id(), m.event().id());
                assertEquals(1, s.filterErrors(), "the out-of-memory evaluation is one filter error");
                assertEquals(List.of("huge-year " + sent.id() + " the filter ran out of memory (Java heap space)"), heard);

                // and the subscription goes on: the next event is evaluated the same way
                bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "oom-2").add("ReceiverId", "1").add("Status", "busy"));
                assertEquals("oom-2", inbox.next().event().value("CallerId"));
                assertEquals(2, s.filterErrors());
                assertTrue(inbox.isEmpty());
                assertEquals(0, s.matched("huge-year"));
            }
        }
    }
}
