package io.xqbus;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filters built to run for ever or to build huge results are stopped; the consumer goes on (issue: hostile input). */
@ExtendWith(EmbeddedBrokerExtension.class)
class HostileFilterTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    @Test
    void plainPathsRunInlineAndIterationIsGuarded() throws Exception {
        assertFalse(Filter.compile("a", F + "/f:Event/f:PhoneStatus[f:Status = 'busy' and @x][1]").guarded());
        assertFalse(Filter.compile("b", "declare variable $type external; $type = 'PhoneStatus'").guarded());
        assertTrue(Filter.compile("c", "for $e in //* return string($e)").guarded());
        assertTrue(Filter.compile("d", "declare function local:f($n) { if ($n > 0) then local:f($n - 1) else 0 }; local:f(count(//*))").guarded());
        assertTrue(Filter.compile("e", F + "matches(//f:Status, '(a+)+$')").guarded());
        assertTrue(Filter.compile("g", "sort(/*/*/*/string())").guarded());
    }

    @Test
    void runawayFiltersAreStoppedAndQuarantinedWhileTheConsumerGoesOn(URI broker) throws Exception {
        List<String> quarantined = new CopyOnWriteArrayList<>();
        BusListener listener = new BusListener() {
            @Override
            public void filterQuarantined(String filter, String reason) {
                quarantined.add(filter);
            }
        };
        Limits limits = Limits.DEFAULT.withFilterTime(Duration.ofMillis(200));
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).limits(limits).listener(listener).build())) {
            Inbox inbox = new Inbox();
            List<Filter> filters = List.of(
                    Filter.compile("recursion", "declare function local:f($n) { local:f($n + 1) + 1 }; local:f(0)"),
                    Filter.compile("endless", "count(for $i in 1 to 2000000000 return $i * 2) > 0"),
                    Filter.compile("huge-result", "(1 to 100000000) ! string(.)"),
                    Filter.compile("redos", F + "matches(concat(/f:Event/f:PhoneStatus/f:CallerId, '!'), '^(a+)+$')"),
                    Filter.compile("good", F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'aaaa')]"));
            try (Subscription s = bus.subscribe(filters, inbox)) {
                for (int i = 0; i < 4; i++) {
                    bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + i)
                            .add("ReceiverId", "1").add("Status", "busy"));
                }
                List<Match> got = inbox.next(4);
                assertTrue(got.stream().allMatch(m -> m.filter().equals("good")), "only the good filter matches");
                assertTrue(inbox.isEmpty());
                assertTrue(s.quarantined().containsAll(List.of("endless", "redos")),
                        "filters that keep overrunning are quarantined: " + s.quarantined());
                assertFalse(s.quarantined().contains("recursion"), "Saxon stops deep recursion itself (SXLM0001): a filter error, not an overrun");
                assertTrue(s.overruns() >= 6, "overruns: " + s.overruns());
                assertTrue(s.filterErrors() >= 12, "every stopped or failed evaluation is a counted filter error: " + s.filterErrors());
                assertEquals(0, s.matched("huge-result"), "a result over the size limit is no match");
                assertTrue(quarantined.containsAll(List.of("endless", "redos")), String.valueOf(quarantined));

                // still healthy: the next event is delivered promptly
                bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "aaaa-after").add("ReceiverId", "1").add("Status", "busy"));
                assertEquals("aaaa-after", inbox.next().event().value("CallerId"));
            }
        }
    }
}
