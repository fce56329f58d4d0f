package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * equality are found by looking up the payload's child values and attributes. Names are compared as Saxon
 * name-pool fingerprints (the numbers the event tree already holds), values in hash maps. Never leaves out a
 * filter that could match (the property test checks this against plain evaluation). Immutable; thread-safe.
 * Internal.
 */
public final class FilterIndex {

    /** The name pool of the trees events are parsed into, whose fingerprints the index is keyed by. */
    private final NamePool pool = Sandbox.processor().getUnderlyingConfiguration().getNamePool();
    private final FilterShape[] shapes;
    private final int[] always;
    private final Keyed<Bucket> byType;

    /** Values by name fingerprint, sorted for a binary search: a few names per type, looked up per element. */
    private record Keyed<V>(int[] fingerprints, List<V> values) {
        static <V> Keyed<V> of(TreeMap<Integer, V> map) {
            return new Keyed<>(map.keySet().stream().mapToInt(Integer::intValue).toArray(), List.copyOf(map.values()));
        }

        V get(int fingerprint) {
            int at = Arrays.binarySearch(fingerprints, fingerprint);
            return at < 0 ? null : values.get(at);
        }

        boolean isEmpty() {
            return fingerprints.length == 0;
        }
    }

    /** The filters of one event type; those with an equality by the child element or attribute it compares. */
    private static final class Bucket {
        final List<Integer> unindexed = new ArrayList<>();
        final TreeMap<Integer, Map<String, List<Integer>>> children = new TreeMap<>();
        final TreeMap<Integer, Map<String, List<Integer>>> attributes = new TreeMap<>();
        Keyed<Map<String, List<Integer>>> byChild;
        Keyed<Map<String, List<Integer>>> byAttribute;

        void add(NamePool pool, String eqKey, String eqValue, int filter) {
            Map<String, List<Integer>> values;
            if (eqKey.startsWith("@")) {   // attributes in no namespace
                values = attributes.computeIfAbsent(pool.allocateFingerprint(NamespaceUri.NULL, eqKey.substring(1)), k -> new HashMap<>());
            } else {
                int close = eqKey.indexOf('}');   // {ns}local
                values = children.computeIfAbsent(pool.allocateFingerprint(NamespaceUri.of(eqKey.substring(1, close)), eqKey.substring(close + 1)),
                        k -> new HashMap<>());
            }
            values.computeIfAbsent(eqValue, k -> new ArrayList<>()).add(filter);
        }

        Bucket freeze() {
            byChild = Keyed.of(children);
            byAttribute = Keyed.of(attributes);
            return this;
        }
    }

    public FilterIndex(List<FilterShape> shapes) {
        this.shapes = shapes.toArray(new FilterShape[0]);
        List<Integer> unshaped = new ArrayList<>();
        TreeMap<Integer, Bucket> types = new TreeMap<>();
        for (int i = 0; i < this.shapes.length; i++) {
            FilterShape s = this.shapes[i];
            if (s == null) {
                unshaped.add(i);
                continue;
            }
            Bucket b = types.computeIfAbsent(pool.allocateFingerprint(NamespaceUri.of(s.typeNs()), s.type()), k -> new Bucket());
            if (s.eqKey() == null) {
                b.unindexed.add(i);
            } else {
                b.add(pool, s.eqKey(), s.eqValue(), i);
            }
        }
        this.always = unshaped.stream().mapToInt(Integer::intValue).toArray();
        types.values().forEach(Bucket::freeze);
        this.byType = Keyed.of(types);
    }

    /** Whether filter i is decided by its shape alone (the payload is its result). */
    public boolean exact(int i) {
        FilterShape s = shapes[i];
        return s != null && s.exact();
    }

    /**
     * The filters to evaluate for an event, in filter order.
     *
     * @param payload the event's payload element, in a tree of the bus's Saxon configuration
     * @throws IllegalArgumentException for a tree of another configuration, whose name numbers mean other names
     */
    public int[] candidates(XdmNode payload) {
        // Saxon's own node API: the s9api wrappers, and names as text, cost more than the lookups on every event
        NodeInfo node = payload.getUnderlyingNode();
        if (node.getConfiguration().getNamePool() != pool) {
            throw new IllegalArgumentException("the event tree was built by another Saxon configuration than the filters'");
        }
        Bucket b = byType.get(node.getFingerprint());
        if (b == null) {
            return always;
        }
        IntBuffer out = new IntBuffer(always.length + b.unindexed.size() + 4);
        out.addAll(always);
        b.unindexed.forEach(out::add);
        if (!b.byChild.isEmpty()) {
            AxisIterator children = node.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT);
            for (NodeInfo child = children.next(); child != null; child = children.next()) {
                Map<String, List<Integer>> values = b.byChild.get(child.getFingerprint());
                if (values != null) {
                    out.addAll(values.get(child.getStringValue()));
                }
            }
        }
        if (!b.byAttribute.isEmpty()) {
            AxisIterator attributes = node.iterateAxis(AxisInfo.ATTRIBUTE);
            for (NodeInfo attribute = attributes.next(); attribute != null; attribute = attributes.next()) {
                Map<String, List<Integer>> values = b.byAttribute.get(attribute.getFingerprint());
                if (values != null) {
                    out.addAll(values.get(attribute.getStringValue()));
                }
            }
        }
        return out.sortedDistinct();
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
