package io.xqbus;

/**
 * What a successful publish returns: the broker has accepted the event. It names the envelope values the
 * bus set, so a caller can log them or correlate later.
 *
 * @param id        the event id
 * @param type      the event type (payload local name)
 * @param namespace the payload namespace
 * @param address   the address it was published to, {@code PREFIX.TYPE}
 * @param producer  this producer's id
 * @param seq       this producer's sequence number for the event
 * @since 0.1
 */
public record Receipt(String id, String type, String namespace, String address, String producer, long seq) {
}
