package io.xqbus;

/**
 * Hears about what goes wrong without stopping the bus: filter errors, messages that are not events,
 * handlers that throw, connection trouble. Every method has an empty default; implement what you need.
 * Called on the thread where it happened: be quick and never throw (what you throw is ignored).
 *
 * @since 0.1
 */
public interface BusListener {

    /** A filter raised a dynamic error on an event; it counts as no match. */
    default void filterFailed(String filter, String eventId, String errorCode, String message) {
    }

    /** A filter overran its time limit too often and is no longer evaluated in its subscription. */
    default void filterQuarantined(String filter, String reason) {
    }

    /** An event already seen (by id, within the subscription's window) was dropped. */
    default void duplicateSuppressed(String eventId, String producer, Long seq) {
    }

    /**
     * A producer's sequence numbers jumped: {@code expected} was next, {@code received} arrived. Events of
     * other types than a subscription's filters name also count, so type-routed subscriptions see gaps for
     * the types they do not receive; use gap detection with {@code PREFIX.#} subscriptions.
     */
    default void gapDetected(String producer, String source, long expected, long received) {
    }

    /** A message was not an acceptable event (not XML, a DOCTYPE, too large, breaks its XSD …). */
    default void eventRejected(String messageId, InvalidEventException reason) {
    }

    /** A handler threw while handling a match. */
    default void handlerFailed(String filter, String eventId, Throwable error) {
    }

    /** The connection to the broker failed for good (a bus that does not reconnect, or gave up). */
    default void connectionLost(Throwable cause) {
    }

    /** A reconnecting bus lost its broker and is trying again, with backoff. */
    default void connectionInterrupted(String broker) {
    }

    /** A reconnecting bus is connected again; its subscriptions resume. */
    default void connectionRestored(String broker) {
    }

    /** A watched schema directory changed and its new set is in force. */
    default void schemasChanged(SchemaSet schemas) {
    }

    /** A watched schema directory changed but does not compile; the last good set stays in force. */
    default void schemasRefused(SchemaException problems) {
    }

    /** An event was republished to the dead-letter address (a group subscription) and acknowledged. */
    default void deadLettered(String eventId, String filter, String reason) {
    }

    /**
     * A subscription stopped for good: handling an event failed in a way it cannot recover from (an Error
     * escaped it — out of memory, a handler's stack overflow, a missing class). The event was not acknowledged
     * (a consumer group keeps it), and the subscription is closed: it receives nothing more. Without this a
     * process would stay connected and deliver nothing; subscribe again, or end the process so that a
     * supervisor restarts it ({@code listenevents} exits 70).
     *
     * @param subscription the closed subscription (its addresses, options and counters)
     * @param cause        what escaped
     */
    default void subscriptionFailed(Subscription subscription, Throwable cause) {
    }
}
