package io.xqbus;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Filter, FilterSet and the bus refuse at compile and set-up time, through the public API (issue 22). */
@ExtendWith(EmbeddedBrokerExtension.class)
class FilterRulesTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    @Test
    void aQueryNestedTooDeeplyIsACompileErrorNotAStackOverflow() {
        String deep = "(".repeat(20_000) + "1" + ")".repeat(20_000);
        FilterCompileException e = assertThrows(FilterCompileException.class, () -> Filter.compile("deep", deep));
        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
        assertTrue(e.getMessage().contains("<query deep>"), "it names the filter's source: " + e.getMessage());
    }

    @Test
    void twoFiltersOfOneNameAreRefusedByAFilterSetAndASubscription(URI broker) throws Exception {
        List<Filter> filters = List.of(Filter.compile("busy", F + "/f:Event/f:PhoneStatus[f:Status = 'busy']"),
                Filter.compile("other", "true()"),
                Filter.compile("busy", F + "/f:Event/f:PhoneStatus[f:Status = 'idle']"));
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> FilterSet.of(filters));
        assertTrue(set.getMessage().contains("two filters are named 'busy' (filters 1 and 3 of 3)"), set.getMessage());
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            IllegalArgumentException sub = assertThrows(IllegalArgumentException.class, () -> bus.subscribe(filters, m -> { }));
            assertTrue(sub.getMessage().contains("two filters are named 'busy'"), sub.getMessage());
        }
    }

    static final class SameName {
        @OnEvent(name = "phones", query = F + "/f:Event/f:PhoneStatus[f:Status = 'busy']")
        void busy(Event e) {
        }

        @OnEvent(name = "phones", query = F + "/f:Event/f:PhoneStatus[f:Status = 'idle']")
        void idle(Event e) {
        }
    }

    static final class Overloads {
        @OnEvent(query = "true()")
        void seen(Event e) {
        }

        @OnEvent(query = "false()")
        void seen(Match m) {
        }
    }

    static class Base {
        @OnEvent(query = "true()")
        void seen(Event e) {
        }
    }

    static final class Overriding extends Base {
        @Override
        @OnEvent(query = "true()")
        void seen(Event e) {
        }
    }

    @Test
    void twoHandlersOfOneNameAreRefusedNamingBothMethods(URI broker) throws Exception {
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bus.register(new SameName()));
            assertTrue(e.getMessage().contains("two @OnEvent handlers are named 'phones'"), e.getMessage());
            assertTrue(e.getMessage().contains("SameName.busy") && e.getMessage().contains("SameName.idle"), e.getMessage());
            IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> bus.register(new Overloads()));
            assertTrue(o.getMessage().contains("named 'seen'"), o.getMessage());
            try (Subscription s = bus.register(new Overriding())) {
                assertEquals(1, s.filters().size(), "an annotated override is one handler, not a clash with the method it overrides");
            }
        }
    }
}
