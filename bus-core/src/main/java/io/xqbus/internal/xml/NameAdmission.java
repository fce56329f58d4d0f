package io.xqbus.internal.xml;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.XMLFilterImpl;

import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.StructuredQName;

/**
 * Decides which element and attribute names, and which namespace URIs, an incoming event may bring into the
 * XQuery engine. Saxon keeps every name it meets in its name pool and every namespace URI in a static table,
 * for the life of the process, and looks names up in a hash map whose keys cannot be ordered: left open, a
 * producer can fill the pool (after which every new name fails), grow the heap without bound with namespace
 * URIs, or make one lookup a linear search with names built to share a hash code. So, before a name reaches
 * Saxon:
 * <ul>
 * <li>names the pool already holds pass: those of the schemas ({@link #admitDeclared}, called when schemas
 *     compile), of the envelope and of compiled filters, and those earlier events brought;</li>
 * <li>a new name or URI costs units of a process-wide budget ({@code Limits.maxDistinctNames}), one per name
 *     plus one per {@value #CHARS_PER_UNIT} characters, URIs included; past the budget it is refused;</li>
 * <li>one event may bring at most {@value #NEW_UNITS_PER_EVENT} units and {@value #NEW_URIS_PER_EVENT} new
 *     namespace URIs, so a single event costs at most a small multiple of an ordinary one and one producer's
 *     junk takes a long flood, not six events, to reach the budget;</li>
 * <li>at most {@value #PER_HASH} names admitted from events may share a hash slot, which bounds the
 *     name pool's longest search.</li>
 * </ul>
 * A refused name fails the event's parse (the caller reports it as an invalid event) and never reaches Saxon.
 */
public final class NameAdmission {

    /** Characters of a name or URI that one budget unit covers. */
    public static final int CHARS_PER_UNIT = 64;
    /** The most budget units one event may spend on names and URIs new to the process. */
    public static final int NEW_UNITS_PER_EVENT = 1_000;
    /** The most namespace URIs new to the process one event may bring. */
    public static final int NEW_URIS_PER_EVENT = 16;
    /** The most event-admitted names per hash slot. */
    public static final int PER_HASH = 16;

    private static final int SLOTS = 1 << 20;
    /** Event-admitted names per slot of their Saxon hash code; guarded by LOCK. */
    private static final byte[] PER_SLOT = new byte[SLOTS];
    private static final Object LOCK = new Object();
    /** Budget units spent by events; guarded by LOCK for writes. */
    private static volatile long spent;
    /** Namespace URIs interned by Saxon through this class (by events, schemas, filters). */
    private static final Set<String> URIS = ConcurrentHashMap.newKeySet();

    static {
        URIS.add("");
        URIS.add(NamespaceUri.XML.toString());
    }

    private NameAdmission() {
    }

    /** Budget units events have spent in this process. */
    public static long spent() {
        return spent;
    }

    /** Admits the names a schema declares, in its target namespace and unqualified, and its namespace. */
    public static void admitDeclared(NamePool pool, String namespace, Collection<String> localNames) {
        admitNamespace(namespace);
        NamespaceUri ns = NamespaceUri.of(namespace);
        pool.allocateFingerprint(ns, EventParser.EVENT);
        for (String local : localNames) {
            pool.allocateFingerprint(ns, local);
            pool.allocateFingerprint(NamespaceUri.NULL, local);
        }
    }

    /** Records a namespace URI that trusted code (a schema, a compiled filter) has interned. */
    public static void admitNamespace(String uri) {
        if (uri != null) {
            URIS.add(uri);
        }
    }

    /** A gate for one event's SAX stream in front of a Saxon tree builder using {@code pool}. */
    public static ContentHandler gate(ContentHandler next, NamePool pool, int budget) {
        return new Gate(next, pool, budget);
    }

    /** Pre-allocates the envelope's own names in a pool; called once per pool by its owner. */
    public static void admitEnvelope(NamePool pool) {
        for (String a : EventParser.ENVELOPE_ATTRIBUTES) {
            pool.allocateFingerprint(NamespaceUri.NULL, a);
        }
        pool.allocateFingerprint(NamespaceUri.NULL, EventParser.EVENT);
    }

    /** A name or URI for a message: long ones cut short. */
    private static String shown(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "… (" + text.length() + " characters)";
    }

    private static int units(String text) {
        return 1 + text.length() / CHARS_PER_UNIT;
    }

    /** The per-event part: counts what this event brings and remembers names it has seen pass. */
    private static final class Gate extends XMLFilterImpl {
        private final NamePool pool;
        private final int budget;
        private final Map<String, String> passed = new HashMap<>();   // local name -> a URI it passed with
        private int units;
        private int uris;

        Gate(ContentHandler next, NamePool pool, int budget) {
            this.pool = pool;
            this.budget = budget;
            setContentHandler(next);
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) throws SAXException {
            uri(uri);
            super.startPrefixMapping(prefix, uri);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            name(uri, localName, "element");
            for (int i = 0; i < atts.getLength(); i++) {
                name(atts.getURI(i), atts.getLocalName(i), "attribute");
            }
            super.startElement(uri, localName, qName, atts);
        }

        private NamespaceUri uri(String uri) throws SAXException {
            if (!URIS.contains(uri)) {
                if (++uris > NEW_URIS_PER_EVENT) {
                    throw new SAXException("the event brings more than " + NEW_URIS_PER_EVENT + " namespace URIs new to this process"
                            + " (the next is '" + shown(uri) + "'): an event may bring at most " + NEW_URIS_PER_EVENT);
                }
                spend(units(uri), "namespace URI '" + shown(uri) + "'", -1);
                URIS.add(uri);
            }
            return NamespaceUri.of(uri);
        }

        private void name(String uri, String local, String kind) throws SAXException {
            if (uri.equals(passed.get(local))) {
                return;
            }
            NamespaceUri ns = uri(uri);
            if (pool.getFingerprint(ns, local) == -1) {
                spend(units(local), kind + " name " + (uri.isEmpty() ? "" : "{" + shown(uri) + "}")
                        + shown(local), StructuredQName.computeHashCode(ns, local));
            }
            passed.put(local, uri);
        }

        /** Takes {@code cost} units for one new name or URI (hash: the name's, or -1 for a URI), or refuses it. */
        private void spend(int cost, String what, int hash) throws SAXException {
            if (units + cost > NEW_UNITS_PER_EVENT) {
                throw new SAXException("the " + what + " is refused: the event brings more than " + NEW_UNITS_PER_EVENT
                        + " names new to this process (an event may bring at most " + NEW_UNITS_PER_EVENT + ", long names and URIs counting"
                        + " one per " + CHARS_PER_UNIT + " characters)");
            }
            synchronized (LOCK) {
                if (spent + cost > budget) {
                    throw new SAXException("the " + what + " is new to this process, where events have brought " + spent
                            + " names, near its limit of " + budget + " (Limits.maxDistinctNames): events bringing new names are refused"
                            + " so the XQuery engine's name pool cannot fill up; names the schemas, filters and envelope use still pass");
                }
                if (hash != -1) {
                    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
                    if (PER_SLOT[slot] >= PER_HASH) {
                        throw new SAXException("the " + what + " is refused: " + PER_HASH + " names met before share its hash code"
                                + " (names built to collide would make every name lookup slow)");
                    }
                    PER_SLOT[slot]++;
                }
                spent += cost;
            }
            units += cost;
        }
    }
}
