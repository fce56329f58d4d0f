package io.xqbus;

import org.xml.sax.InputSource;

import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.SecureXml;
import io.xqbus.internal.xml.XmlWriter;

/**
 * An event already parsed and validated against its XSD, waiting to be published: the bus adds the
 * envelope (producer, sequence number, time) when it sends it. Preparing needs no broker, so a producer can
 * check a whole batch first and send only when every event is valid, without parsing anything twice.
 * Immutable and thread-safe; publish it once.
 *
 * <pre>{@code
 * List<PreparedEvent> batch = new ArrayList<>();
 * for (byte[] xml : documents) {
 *     batch.add(PreparedEvent.prepare(xml, "batch", schemas, Limits.DEFAULT));   // throws on the first invalid one
 * }
 * for (PreparedEvent e : batch) {
 *     bus.publishAsync(e);
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class PreparedEvent {

    private final EventParser.Parsed parsed;
    private final String payload;
    private final String id;
    private final String sourceName;

    private PreparedEvent(EventParser.Parsed parsed, String payload, String id, String sourceName) {
        this.parsed = parsed;
        this.payload = payload;
        this.id = id;
        this.sourceName = sourceName;
    }

    /**
     * Parses and validates an event given as bytes (its XML declaration's encoding holds).
     *
     * @param sourceName the name errors give as the place, for example a file name
     * @throws InvalidEventException     when it is too large, not well-formed, breaks the envelope rules or its XSD
     * @throws UnknownEventTypeException when no schema declares its payload element
     */
    public static PreparedEvent prepare(byte[] xml, String sourceName, SchemaSet schemas, Limits limits) throws InvalidEventException {
        EventParser.checkEncoding(xml, sourceName);
        return prepare(SecureXml.bytes(xml, null), xml.length, sourceName, schemas, limits);
    }

    /**
     * Parses and validates an event given as text.
     *
     * @see #prepare(byte[], String, SchemaSet, Limits)
     */
    public static PreparedEvent prepare(String xml, String sourceName, SchemaSet schemas, Limits limits) throws InvalidEventException {
        return prepare(SecureXml.text(xml, null), xml.length(), sourceName, schemas, limits);
    }

    static PreparedEvent prepare(InputSource input, long size, String sourceName, SchemaSet schemas, Limits limits)
            throws InvalidEventException {
        if (size > limits.maxEventBytes()) {
            throw new InvalidEventException("the event is " + size + " bytes, more than the limit of " + limits.maxEventBytes(),
                    new Location(sourceName, 0, 0, null));
        }
        XmlWriter payload = new XmlWriter((int) Math.min(size + 64, 1 << 16));
        EventParser.Parsed parsed = EventParser.parse(input, sourceName, limits, schemas.compiled(), payload, null);
        checkVersion(parsed, sourceName);
        limits.checkEnvelope(parsed.envelope(), sourceName);   // what consumers would reject as message properties
        String id = parsed.envelope().get("id");
        if (id == null || id.isBlank()) {
            id = java.util.UUID.randomUUID().toString();
        }
        return new PreparedEvent(parsed, payload.text(), id, sourceName);
    }

    /**
     * Refuses an XML 1.1 document: the envelope the bus sends is XML 1.0, where the control characters 1.1
     * allows are not well-formed, so every consumer would reject what was published.
     */
    static void checkVersion(EventParser.Parsed parsed, String sourceName) throws InvalidEventException {
        if (!"1.0".equals(parsed.xmlVersion())) {
            throw new InvalidEventException("XML " + parsed.xmlVersion() + " is not accepted: events are XML 1.0, and every consumer"
                    + " would reject the event (declare version=\"1.0\" or none)",
                    new Location(sourceName, 1, 1, null));
        }
    }

    /** The event id: the one given in the input, or a new UUID. */
    public String id() {
        return id;
    }

    /** The event type (payload local name). */
    public String type() {
        return parsed.type();
    }

    /** The payload namespace. */
    public String namespace() {
        return parsed.namespace();
    }

    /** The source given in the input, or null (the bus then uses its own). */
    public String source() {
        return parsed.envelope().get("source");
    }

    /** The name errors gave as the place. */
    public String sourceName() {
        return sourceName;
    }

    String payloadPrefix() {
        return parsed.payloadPrefix();
    }

    String payload() {
        return payload;
    }
}
