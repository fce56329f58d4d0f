package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.sf.saxon.om.AttributeInfo;
import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.pattern.NodeKindTest;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.tree.iter.AxisIterator;

/**
 * Chooses, per event, the filters worth evaluating (issue: thousands of filters at broker speed): filters
 * without a shape are always candidates; shaped filters only for events of their type, and those with an
 * equality are found by looking up the payload's child values and attributes (names as name-pool
 * fingerprints, values in hash maps). Never leaves out a
 * filter that could match (the property test checks this against plain evaluation). Immutable; thread-safe.
 * Internal.
 */
public final class FilterIndex {

    private final FilterShape[] shapes;
    private final int[] always;
    private final Map<Name, Bucket> byType = new HashMap<>();
    /** The name pool of the trees events are parsed into, whose fingerprints the buckets are also keyed by. */
    private final NamePool pool = Sandbox.processor().getUnderlyingConfiguration().getNamePool();
    /** The fingerprints of the types in {@link #byType}, sorted, and their buckets in the same order. */
    private final int[] typeFingerprints;
    private final Bucket[] typeBuckets;

    /**
     * An element name as a map key. The names come from the parser's and Saxon's name tables, whose strings
     * keep their hash codes, so a lookup builds no text.
     */
    private record Name(String ns, String local) {
    }

    /** The filters of one event type; those with an equality by the child element or attribute it compares. */
    private static final class Bucket {
        final List<Integer> unindexed = new ArrayList<>();
        final Map<Name, Map<String, List<Integer>>> byChild = new HashMap<>();
        final Map<String, Map<String, List<Integer>>> byAttribute = new HashMap<>();
        /** The same maps keyed by name-pool fingerprints (child elements, then no-namespace attributes), sorted. */
        int[] childFingerprints;
        List<Map<String, List<Integer>>> childValues;
        int[] attributeFingerprints;
        List<Map<String, List<Integer>>> attributeValues;

        void add(String eqKey, String eqValue, int filter) {
            Map<String, List<Integer>> values;
            if (eqKey.startsWith("@")) {
                values = byAttribute.computeIfAbsent(eqKey.substring(1), k -> new HashMap<>());
            } else {
                int close = eqKey.indexOf('}');   // {ns}local
                values = byChild.computeIfAbsent(new Name(eqKey.substring(1, close), eqKey.substring(close + 1)), k -> new HashMap<>());
            }
            values.computeIfAbsent(eqValue, k -> new ArrayList<>()).add(filter);
        }

        void fingerprint(NamePool pool) {
            Map<Integer, Map<String, List<Integer>>> children = new java.util.TreeMap<>();
            byChild.forEach((name, values) -> children.put(pool.allocateFingerprint(NamespaceUri.of(name.ns()), name.local()), values));
            childFingerprints = children.keySet().stream().mapToInt(Integer::intValue).toArray();
            childValues = List.copyOf(children.values());
            Map<Integer, Map<String, List<Integer>>> attributes = new java.util.TreeMap<>();
            byAttribute.forEach((local, values) -> attributes.put(pool.allocateFingerprint(NamespaceUri.NULL, local), values));
            attributeFingerprints = attributes.keySet().stream().mapToInt(Integer::intValue).toArray();
            attributeValues = List.copyOf(attributes.values());
        }

        /** The values compared with the child element or attribute of this fingerprint, or null. */
        static Map<String, List<Integer>> lookup(int[] fingerprints, List<Map<String, List<Integer>>> values, int fingerprint) {
            int at = Arrays.binarySearch(fingerprints, fingerprint);
            return at < 0 ? null : values.get(at);
        }
    }

    public FilterIndex(List<FilterShape> shapes) {
        this.shapes = shapes.toArray(new FilterShape[0]);
        List<Integer> unshaped = new ArrayList<>();
        for (int i = 0; i < this.shapes.length; i++) {
            FilterShape s = this.shapes[i];
            if (s == null) {
                unshaped.add(i);
                continue;
            }
            Bucket b = byType.computeIfAbsent(new Name(s.typeNs(), s.type()), k -> new Bucket());
            if (s.eqKey() == null) {
                b.unindexed.add(i);
            } else {
                b.add(s.eqKey(), s.eqValue(), i);
            }
        }
        this.always = unshaped.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Bucket> byFingerprint = new java.util.TreeMap<>();
        byType.forEach((name, b) -> {
            b.fingerprint(pool);
            byFingerprint.put(pool.allocateFingerprint(NamespaceUri.of(name.ns()), name.local()), b);
        });
        this.typeFingerprints = byFingerprint.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.typeBuckets = byFingerprint.values().toArray(new Bucket[0]);
    }

    /** Whether filter i is decided by its shape alone (the payload is its result). */
    public boolean exact(int i) {
        FilterShape s = shapes[i];
        return s != null && s.exact();
    }

    /** The filters to evaluate for an event, in filter order. */
    public int[] candidates(String typeNs, String type, XdmNode payload) {
        // Saxon's own node API, names compared as fingerprints: the s9api wrappers, and names as text, cost more
        // than the lookups on every event
        NodeInfo node = payload == null ? null : payload.getUnderlyingNode();
        boolean byName = node == null || node.getConfiguration().getNamePool() != pool;   // null, or a tree of another configuration
        Bucket b;
        if (byName) {
            b = byType.get(new Name(typeNs, type));
        } else {
            int at = Arrays.binarySearch(typeFingerprints, node.getFingerprint());
            b = at < 0 ? null : typeBuckets[at];
        }
        if (b == null) {
            return always;
        }
        IntBuffer out = new IntBuffer(always.length + b.unindexed.size() + 4);
        out.addAll(always);
        b.unindexed.forEach(out::add);
        if (node == null) {
            return out.sortedDistinct();
        }
        if (byName) {
            lookUpByName(b, node, out);
            return out.sortedDistinct();
        }
        if (b.childFingerprints.length > 0) {
            AxisIterator children = node.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT);
            for (NodeInfo child = children.next(); child != null; child = children.next()) {
                Map<String, List<Integer>> values = Bucket.lookup(b.childFingerprints, b.childValues, child.getFingerprint());
                if (values != null) {
                    out.addAll(values.get(child.getStringValue()));
                }
            }
        }
        if (b.attributeFingerprints.length > 0) {
            AxisIterator attributes = node.iterateAxis(AxisInfo.ATTRIBUTE);
            for (NodeInfo attribute = attributes.next(); attribute != null; attribute = attributes.next()) {
                Map<String, List<Integer>> values = Bucket.lookup(b.attributeFingerprints, b.attributeValues, attribute.getFingerprint());
                if (values != null) {
                    out.addAll(values.get(attribute.getStringValue()));
                }
            }
        }
        return out.sortedDistinct();
    }

    private static void lookUpByName(Bucket b, NodeInfo node, IntBuffer out) {
        AxisIterator children = node.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT);
        for (NodeInfo child = children.next(); child != null; child = children.next()) {
            Map<String, List<Integer>> values = b.byChild.get(new Name(child.getURI(), child.getLocalPart()));
            if (values != null) {
                out.addAll(values.get(child.getStringValue()));
            }
        }
        for (AttributeInfo attribute : node.attributes()) {
            Map<String, List<Integer>> values = b.byAttribute.get(attribute.getNodeName().getLocalPart());
            if (values != null && attribute.getNodeName().getURI().isEmpty()) {
                out.addAll(values.get(attribute.getValue()));
            }
        }
    }

    /** A growable int list, local to one call. */
    private static final class IntBuffer {
        private int[] values;
        private int size;

        IntBuffer(int capacity) {
            values = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) {
                add(v);
            }
        }

        void addAll(List<Integer> vs) {
            if (vs != null) {
                vs.forEach(this::add);
            }
        }

        /** The values sorted, each once (a filter may be found through two children with the same value). */
        int[] sortedDistinct() {
            int[] r = Arrays.copyOf(values, size);
            Arrays.sort(r);
            int m = 0;
            for (int i = 0; i < r.length; i++) {
                if (i == 0 || r[i] != r[i - 1]) {
                    r[m++] = r[i];
                }
            }
            return m == r.length ? r : Arrays.copyOf(r, m);
        }
    }
}
