package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.sf.saxon.om.AttributeInfo;
import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.pattern.NodeKindTest;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.tree.iter.AxisIterator;

/**
 * Chooses, per event, the filters worth evaluating (issue: thousands of filters at broker speed): filters
 * without a shape are always candidates; shaped filters only for events of their type, and those with an
 * equality are found by a hash lookup of the payload's child values and attributes. Never leaves out a
 * filter that could match (the property test checks this against plain evaluation). Immutable; thread-safe.
 * Internal.
 */
public final class FilterIndex {

    private final FilterShape[] shapes;
    private final int[] always;
    private final Map<Name, Bucket> byType = new HashMap<>();

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
    }

    /** Whether filter i is decided by its shape alone (the payload is its result). */
    public boolean exact(int i) {
        FilterShape s = shapes[i];
        return s != null && s.exact();
    }

    /** The filters to evaluate for an event, in filter order. */
    public int[] candidates(String typeNs, String type, XdmNode payload) {
        Bucket b = byType.get(new Name(typeNs, type));
        if (b == null) {
            return always;
        }
        IntBuffer out = new IntBuffer(always.length + b.unindexed.size() + 4);
        out.addAll(always);
        b.unindexed.forEach(out::add);
        if (payload == null) {
            return out.sortedDistinct();
        }
        // Saxon's own node API: the s9api wrappers cost more than the lookups on every event
        NodeInfo node = payload.getUnderlyingNode();
        if (!b.byChild.isEmpty()) {
            AxisIterator children = node.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT);
            for (NodeInfo child = children.next(); child != null; child = children.next()) {
                Map<String, List<Integer>> values = b.byChild.get(new Name(child.getURI(), child.getLocalPart()));
                if (values != null) {
                    out.addAll(values.get(child.getStringValue()));
                }
            }
        }
        if (!b.byAttribute.isEmpty()) {
            for (AttributeInfo attribute : node.attributes()) {
                Map<String, List<Integer>> values = b.byAttribute.get(attribute.getNodeName().getLocalPart());
                if (values != null && attribute.getNodeName().getURI().isEmpty()) {
                    out.addAll(values.get(attribute.getValue()));
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
