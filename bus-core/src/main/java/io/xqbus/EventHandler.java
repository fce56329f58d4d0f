package io.xqbus;

/**
 * Receives typed events: the payload unmarshalled to its JAXB class, and the whole {@link Event} for the
 * envelope. Runs like a {@link MatchHandler}: on the subscription's delivery thread, in arrival order.
 *
 * @param <T> the JAXB class of the payload
 * @since 0.1
 */
@FunctionalInterface
public interface EventHandler<T> {

    /** Handles one event. */
    void onEvent(T event, Event meta) throws Exception;
}
