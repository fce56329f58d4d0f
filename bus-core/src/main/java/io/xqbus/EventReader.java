package io.xqbus;

import java.util.Map;
import java.util.UUID;

import org.xml.sax.InputSource;

import net.sf.saxon.s9api.BuildingContentHandler;
import net.sf.saxon.s9api.DocumentBuilder;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.XdmNode;

import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.PayloadSchema;

/** Reads an incoming event document into an {@link Event} (one hardened parse into a Saxon tree). */
final class EventReader {

    /** One document builder per delivery thread: it may build one tree after another, and making one is not free. */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(() -> Sandbox.processor().newDocumentBuilder());

    private EventReader() {
    }

    /**
     * @param schema     validates the payload, or null
     * @param fallbackId the id when the envelope has none (a message property or id), or null for a new UUID
     * @param address    the address it arrived on, or null
     */
    static Event read(InputSource input, String sourceName, Limits limits, PayloadSchema schema, String fallbackId, String address)
            throws InvalidEventException {
        BuildingContentHandler tree;
        try {
            tree = BUILDERS.get().newBuildingContentHandler();
        } catch (SaxonApiException e) {
            throw new IllegalStateException("cannot create a Saxon tree builder: " + e, e);
        }
        EventParser.Parsed parsed = EventParser.parse(input, sourceName, limits, schema, null, tree);
        XdmNode document;
        try {
            document = tree.getDocumentNode();
        } catch (SaxonApiException e) {
            throw new InvalidEventException("cannot build the event tree: " + e.getMessage(), new Location(sourceName, 0, 0, null), e);
        }
        Map<String, String> env = parsed.envelope();
        String id = env.get("id");
        if (id == null || id.isBlank()) {
            id = fallbackId != null && !fallbackId.isBlank() ? fallbackId : UUID.randomUUID().toString();
        }
        Long seq = null;
        String seqText = env.get("seq");
        if (seqText != null) {
            try {
                seq = Long.parseLong(seqText.trim());
            } catch (NumberFormatException e) {
                throw new InvalidEventException("the envelope attribute seq is not an integer: '" + seqText + "'",
                        new Location(sourceName, 0, 0, "/Event/@seq"));
            }
        }
        return new Event(id, parsed.type(), parsed.namespace(), env.get("source"), env.get("producer"), seq, env.get("time"),
                address, document);
    }
}
