package io.xqbus;

/**
 * Receives the events a subscription's filters match. It runs on the subscription's delivery thread: one
 * thread per subscription, events in arrival order, so a slow handler delays only its own subscription.
 * An exception it throws is counted and reported to the {@link BusListener}; delivery goes on.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface MatchHandler {

    /** Handles one match. */
    void onMatch(Match match) throws Exception;
}
