package io.xqbus;

import java.util.Map;
import java.util.UUID;

import org.xml.sax.ContentHandler;
import org.xml.sax.InputSource;

import net.sf.saxon.Configuration;
import net.sf.saxon.event.NamespaceReducer;
import net.sf.saxon.event.PipelineConfiguration;
import net.sf.saxon.event.ReceivingContentHandler;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.tree.tiny.TinyBuilder;

import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.NameAdmission;
import io.xqbus.internal.xml.PayloadSchema;

/** Reads an incoming event document into an {@link Event} (one hardened parse into a Saxon tree). */
final class EventReader {

    /** One tree builder per delivery thread: it builds one tree after another. */
    private static final ThreadLocal<TreeBuilder> BUILDERS = ThreadLocal.withInitial(TreeBuilder::new);

    /**
     * Builds Saxon trees from SAX events, reusing one ReceivingContentHandler (what s9api's
     * BuildingContentHandler is, made anew per document): it keeps a cache of the element names it has met,
     * which spares a name-pool lookup per element of every event. The cache has no bound of its own, so the
     * handler is replaced every {@link #RENEW_AFTER} documents: names from hostile events cannot pile up.
     */
    private static final class TreeBuilder {
        static final int RENEW_AFTER = 10_000;
        private final Configuration config = Sandbox.processor().getUnderlyingConfiguration();

        TreeBuilder() {
            NameAdmission.admitEnvelope(config.getNamePool());
        }
        private ReceivingContentHandler handler;
        private TinyBuilder builder;
        private int built;

        ContentHandler start() {
            if (handler == null || ++built % RENEW_AFTER == 0) {
                handler = new ReceivingContentHandler();
            }
            PipelineConfiguration pipe = config.makePipelineConfiguration();
            builder = new TinyBuilder(pipe);
            handler.reset();
            handler.setReceiver(new NamespaceReducer(builder));
            handler.setPipelineConfiguration(pipe);
            return handler;
        }

        /** The tree just built, or null when the builder ended without one. */
        NodeInfo document() {
            NodeInfo root = builder.getCurrentRoot();
            builder = null;
            return root;
        }
    }

    private EventReader() {
    }

    /**
     * @param schema     validates the payload, or null
     * @param fallbackId the id when the envelope has none (a message property or id), or null for a new UUID
     * @param address    the address it arrived on, or null
     */
    static Event read(InputSource input, String sourceName, Limits limits, PayloadSchema schema, String fallbackId, String address)
            throws InvalidEventException {
        TreeBuilder trees = BUILDERS.get();
        ContentHandler sink = NameAdmission.gate(trees.start(), trees.config.getNamePool(), limits.maxDistinctNames());
        EventParser.Parsed parsed;
        NodeInfo root;
        try {
            parsed = EventParser.parse(input, sourceName, limits, schema, null, sink);
        } finally {
            root = trees.document();
        }
        if (root == null) {
            throw new InvalidEventException("cannot build the event tree", new Location(sourceName, 0, 0, null));
        }
        XdmNode document = new XdmNode(root);
        Map<String, String> env = parsed.envelope();
        limits.checkEnvelope(env, sourceName);
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
