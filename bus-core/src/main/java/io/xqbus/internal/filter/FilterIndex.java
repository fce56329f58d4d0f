package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.NamePool;
import net.sf.saxon.om.NamespaceUri;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.pattern.NodeKindTest;
import net.sf.saxon.s9api.XdmAtomicValue;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmValue;
import net.sf.saxon.tree.iter.AxisIterator;

/**
 * Chooses, per event, the filters worth evaluating (issue: thousands of filters at broker speed). Each shaped
 * filter is filed once per {@linkplain FilterShape.Alternative alternative}: under its payload type (or under
 * "any type") and, when it has a key, under the node that key names, by value (a hash lookup), by prefix (one
 * lookup per prefix length in use) or by presence. For an event the index reads the payload's children, its
 * attributes, the Event element's attributes and — only when some filter keys on one — the payload's
 * descendants, and collects the filters whose condition one of them meets; unshaped filters are always
 * candidates. Names are compared as Saxon name-pool fingerprints (the numbers the event tree already holds),
 * types by the payload's local name. Never leaves out a filter that could match (the property test checks
 * this against plain evaluation). Immutable; thread-safe. Internal.
 */
public final class FilterIndex {

    /** The name pool of the trees events are parsed into, whose fingerprints the index is keyed by. */
    private final NamePool pool = Sandbox.processor().getUnderlyingConfiguration().getNamePool();
    private final FilterShape[] shapes;
    private final int[] always;
    private final Bucket anyType;
    /** Buckets of types named with their namespace ({@code /f:Event/f:T}), by the payload's name fingerprint. */
    private final Keyed<Bucket> byType;
    /** Buckets of types named by local name only ({@code $type = 'T'}). */
    private final Map<String, Bucket> byLocalType;
    /** Per filter, the fingerprint its Event element must have ({@code {ns}Event}), or -1: checked by {@link #decide}. */
    private final int[] eventFingerprint;

    /** Values by name fingerprint, sorted for a binary search: a few names per type, looked up per node. */
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

    /** The filters keyed on one node name: by whole value, by prefix, or by the node's presence alone. */
    private static final class Values {
        final Map<String, List<Integer>> equal = new HashMap<>();
        final TreeMap<Integer, Map<String, List<Integer>>> prefixes = new TreeMap<>();
        final List<Integer> present = new ArrayList<>();
        /** Frozen forms, read per event: arrays, not boxed lists. */
        Map<String, int[]> equalFrozen;
        int[] prefixLengths;
        List<Map<String, int[]>> prefixFrozen;
        int[] presentFrozen;

        void add(FilterShape.Key key, int filter) {
            if (key.value() == null) {
                present.add(filter);
            } else if (key.prefix()) {
                prefixes.computeIfAbsent(key.value().length(), k -> new HashMap<>()).computeIfAbsent(key.value(), k -> new ArrayList<>()).add(filter);
            } else {
                equal.computeIfAbsent(key.value(), k -> new ArrayList<>()).add(filter);
            }
        }

        Values freeze() {
            equalFrozen = ints(equal);
            prefixLengths = prefixes.keySet().stream().mapToInt(Integer::intValue).toArray();
            prefixFrozen = prefixes.values().stream().map(FilterIndex::ints).toList();
            presentFrozen = present.stream().mapToInt(Integer::intValue).toArray();
            return this;
        }

        void collect(String value, IntBuffer out) {
            out.addAll(presentFrozen);
            int[] equals = equalFrozen.get(value);
            if (equals != null) {
                out.addAll(equals);
            }
            for (int p = 0; p < prefixLengths.length && prefixLengths[p] <= value.length(); p++) {
                int[] found = prefixFrozen.get(p).get(value.substring(0, prefixLengths[p]));
                if (found != null) {
                    out.addAll(found);
                }
            }
        }
    }

    private static Map<String, int[]> ints(Map<String, List<Integer>> lists) {
        Map<String, int[]> out = new HashMap<>(lists.size() * 2);
        lists.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** The filters of one payload type (or of any type): with no key, and by the kind and name of their key. */
    private final class Bucket {
        final List<Integer> unkeyed = new ArrayList<>();
        final Map<FilterShape.Kind, TreeMap<Integer, Values>> building = new EnumMap<>(FilterShape.Kind.class);
        int[] unkeyedFrozen;
        Keyed<Values> children;
        Keyed<Values> attributes;
        Keyed<Values> envelope;
        Keyed<Values> descendants;

        void add(FilterShape.Key key, int filter) {
            if (key == null) {
                unkeyed.add(filter);
                return;
            }
            int fingerprint = pool.allocateFingerprint(NamespaceUri.of(key.namespace()), key.local());
            building.computeIfAbsent(key.kind(), k -> new TreeMap<>()).computeIfAbsent(fingerprint, k -> new Values()).add(key, filter);
        }

        Bucket freeze() {
            unkeyedFrozen = unkeyed.stream().mapToInt(Integer::intValue).toArray();
            children = frozen(FilterShape.Kind.CHILD);
            attributes = frozen(FilterShape.Kind.ATTRIBUTE);
            envelope = frozen(FilterShape.Kind.ENVELOPE);
            descendants = frozen(FilterShape.Kind.DESCENDANT);
            return this;
        }

        private Keyed<Values> frozen(FilterShape.Kind kind) {
            TreeMap<Integer, Values> map = building.get(kind);
            if (map == null) {
                return null;
            }
            map.values().forEach(Values::freeze);
            return Keyed.of(map);
        }

        boolean isEmpty() {
            return unkeyedFrozen.length == 0 && children == null && attributes == null && envelope == null && descendants == null;
        }

        void collect(NodeInfo payload, IntBuffer out) {
            out.addAll(unkeyedFrozen);
            if (children != null) {
                scan(payload.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT), children, out);
            }
            if (attributes != null) {
                scan(payload.iterateAxis(AxisInfo.ATTRIBUTE), attributes, out);
            }
            NodeInfo event = payload.getParent();
            if (envelope != null && event != null) {
                scan(event.iterateAxis(AxisInfo.ATTRIBUTE), envelope, out);
            }
            if (descendants != null) {
                scan(payload.iterateAxis(AxisInfo.DESCENDANT_OR_SELF, NodeKindTest.ELEMENT), descendants, out);
            }
        }

        private static void scan(AxisIterator nodes, Keyed<Values> table, IntBuffer out) {
            for (NodeInfo n = nodes.next(); n != null; n = nodes.next()) {
                Values values = table.get(n.getFingerprint());
                if (values != null) {
                    values.collect(n.getStringValue(), out);
                }
            }
        }
    }

    public FilterIndex(List<FilterShape> shapes) {
        this.shapes = shapes.toArray(new FilterShape[0]);
        this.eventFingerprint = new int[this.shapes.length];
        List<Integer> unshaped = new ArrayList<>();
        Bucket any = new Bucket();
        TreeMap<Integer, Bucket> typed = new TreeMap<>();
        Map<String, Bucket> local = new HashMap<>();
        for (int i = 0; i < this.shapes.length; i++) {
            FilterShape s = this.shapes[i];
            eventFingerprint[i] = -1;
            if (s == null) {
                unshaped.add(i);
                continue;
            }
            if (s.exact() && s.decision().eventNamespace() != null) {
                eventFingerprint[i] = pool.allocateFingerprint(NamespaceUri.of(s.decision().eventNamespace()), "Event");
            }
            for (FilterShape.Alternative a : s.alternatives()) {
                Bucket b = a.type() == null ? any
                        : a.typeNamespace() == null ? local.computeIfAbsent(a.type(), k -> new Bucket())
                        : typed.computeIfAbsent(pool.allocateFingerprint(NamespaceUri.of(a.typeNamespace()), a.type()), k -> new Bucket());
                b.add(a.key(), i);
            }
        }
        this.always = unshaped.stream().mapToInt(Integer::intValue).toArray();
        typed.values().forEach(Bucket::freeze);
        local.values().forEach(Bucket::freeze);
        this.anyType = any.freeze().isEmpty() ? null : any;
        this.byType = Keyed.of(typed);
        this.byLocalType = Map.copyOf(local);
    }

    private static final XdmAtomicValue TRUE = new XdmAtomicValue(true);

    /** Whether filter i is decided by its shape alone, by {@link #decide}. */
    public boolean exact(int i) {
        FilterShape s = shapes[i];
        return s != null && s.exact();
    }

    /**
     * The result of exact filter i, which {@link #candidates} found for this payload: the payload or true, or
     * null (no match) when the Event element is not in the namespace the query names (the payload's namespace the
     * lookup by fingerprint has checked).
     */
    public XdmValue decide(int i, XdmNode payload) {
        if (eventFingerprint[i] >= 0) {
            NodeInfo event = payload.getUnderlyingNode().getParent();
            if (event == null || event.getFingerprint() != eventFingerprint[i]) {
                return null;
            }
        }
        return shapes[i].decision().result() == FilterShape.Result.PAYLOAD ? payload : TRUE;
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
        IntBuffer out = new IntBuffer(always.length + 8);
        out.addAll(always);
        if (anyType != null) {
            anyType.collect(node, out);
        }
        Bucket typed = byType.get(node.getFingerprint());
        if (typed != null) {
            typed.collect(node, out);
        }
        if (!byLocalType.isEmpty()) {
            Bucket named = byLocalType.get(node.getLocalPart());
            if (named != null) {
                named.collect(node, out);
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
