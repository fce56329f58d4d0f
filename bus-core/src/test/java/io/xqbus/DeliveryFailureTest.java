package io.xqbus;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #23 item 6: an Error that escapes the handling of an event (here a handler's real stack overflow, which the
 * retry loop does not treat as a handler failure) stops the subscription visibly instead of killing the JMS
 * client's delivery thread behind a connected, silent consumer.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class DeliveryFailureTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    /** A handler's recursion bug: no end, a genuine StackOverflowError. */
    static int depth(int n) {
        return depth(n + 1) + 1;
    }

    @Test
    void anErrorEscapingDeliveryClosesTheSubscriptionTellsTheListenerAndTheGroupKeepsTheEvent(URI broker) throws Exception {
        AtomicReference<Subscription> failed = new AtomicReference<>();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        BusListener listener = new BusListener() {
            @Override
            public void subscriptionFailed(Subscription subscription, Throwable error) {
                cause.set(error);
                failed.set(subscription);
            }
        };
        Filter calls = Filter.compile("calls", F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'dies-')]");
        SubscriptionOptions group = SubscriptionOptions.builder().durable("dies").build();
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).listener(listener).build())) {
            Subscription dying = bus.subscribe(List.of(calls), m -> depth(0), group);
            Receipt sent = bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "dies-1").add("ReceiverId", "1").add("Status", "busy"));
            Inbox.await("subscriptionFailed", () -> failed.get() != null);
            assertSame(dying, failed.get());
            assertInstanceOf(StackOverflowError.class, cause.get());
            assertTrue(dying.isClosed(), "the failed subscription is closed");
            assertEquals(1, dying.received());

            // the event was not acknowledged: the group still holds it, and a new member receives it
            Inbox inbox = new Inbox();
            try (Subscription member = bus.subscribe(List.of(calls), inbox, group)) {
                Match m = inbox.next();
                assertEquals(sent.id(), m.event().id());
                assertEquals(1, member.matched());
            }
        }
    }
}
