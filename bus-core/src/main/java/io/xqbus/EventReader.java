package io.xqbus;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.XMLFilterImpl;

import net.sf.saxon.Configuration;
import net.sf.saxon.event.NamespaceReducer;
import net.sf.saxon.event.PipelineConfiguration;
import net.sf.saxon.event.ReceivingContentHandler;
import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.tree.tiny.TinyBuilder;
import net.sf.saxon.tree.tiny.TinyNodeImpl;
import net.sf.saxon.tree.tiny.TinyTree;

import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.PayloadSchema;

/** Reads an incoming event document into an {@link Event} (one hardened parse into a Saxon tree). */
final class EventReader {

    private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);

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

    /**
     * The highest name-pool fingerprint an event tree has used. The pool numbers names in the order it meets
     * them and never forgets one, so this counts the distinct names events have brought into the process.
     */
    private static final AtomicInteger NAMES_MET = new AtomicInteger();
    private static final AtomicBoolean GATE_ANNOUNCED = new AtomicBoolean();

    /**
     * Passes on only names the pool already holds (once the process has met {@link Limits#maxDistinctNames}):
     * an event with a new element or attribute name is refused before the tree builder would add the name.
     * Without it, events with ever new names fill Saxon's pool, after which every event with a new name, and
     * every new filter, fails until a restart.
     */
    private static final class NameGate extends XMLFilterImpl {
        private final NamePool pool;
        private final int limit;

        NameGate(ContentHandler next, NamePool pool, int limit) {
            this.pool = pool;
            this.limit = limit;
            setContentHandler(next);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            admit(uri, localName, "element");
            for (int i = 0; i < atts.getLength(); i++) {
                admit(atts.getURI(i), atts.getLocalName(i), "attribute");
            }
            super.startElement(uri, localName, qName, atts);
        }

        private void admit(String uri, String localName, String kind) throws SAXException {
            if (pool.getFingerprint(NamespaceUri.of(uri), localName) == -1) {
                throw new SAXException("the " + kind + " name " + (uri.isEmpty() ? "" : "{" + uri + "}") + localName
                        + " is new to this process, which has met " + limit + " distinct names, its limit (Limits.maxDistinctNames):"
                        + " events bringing new names are refused so the XQuery engine's name pool cannot fill up; a restart empties it");
            }
        }
    }

    private EventReader() {
    }

    /** Records the names a new tree used (their highest fingerprint). */
    private static void countNames(NodeInfo root) {
        if (!(root instanceof TinyNodeImpl node)) {
            return;
        }
        TinyTree tree = node.getTree();
        int highest = highest(tree.getNameCodeArray(), tree.getNumberOfNodes());
        highest = Math.max(highest, highest(tree.getAttributeNameCodeArray(), tree.getNumberOfAttributes()));
        if (highest > NAMES_MET.get()) {
            NAMES_MET.accumulateAndGet(highest, Math::max);
        }
    }

    private static int highest(int[] nameCodes, int count) {
        int highest = 0;
        for (int i = 0; i < count; i++) {
            if (nameCodes[i] > 0) {
                highest = Math.max(highest, nameCodes[i] & NamePool.FP_MASK);
            }
        }
        return highest;
    }

    /**
     * @param schema     validates the payload, or null
     * @param fallbackId the id when the envelope has none (a message property or id), or null for a new UUID
     * @param address    the address it arrived on, or null
     */
    static Event read(InputSource input, String sourceName, Limits limits, PayloadSchema schema, String fallbackId, String address)
            throws InvalidEventException {
        TreeBuilder trees = BUILDERS.get();
        ContentHandler sink = trees.start();
        if (NAMES_MET.get() >= limits.maxDistinctNames()) {
            if (!GATE_ANNOUNCED.getAndSet(true)) {
                LOG.warn("events have brought {} distinct element and attribute names into this process, the limit "
                        + "(Limits.maxDistinctNames): from now on events with names not met before are refused", limits.maxDistinctNames());
            }
            sink = new NameGate(sink, trees.config.getNamePool(), limits.maxDistinctNames());
        }
        EventParser.Parsed parsed;
        NodeInfo root;
        try {
            parsed = EventParser.parse(input, sourceName, limits, schema, null, sink);
        } finally {
            root = trees.document();
            if (root != null) {
                countNames(root);   // a refused event may have brought names before its fault was found
            }
        }
        if (root == null) {
            throw new InvalidEventException("cannot build the event tree", new Location(sourceName, 0, 0, null));
        }
        XdmNode document = new XdmNode(root);
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
