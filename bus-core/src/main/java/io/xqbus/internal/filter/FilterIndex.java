package io.xqbus.internal.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmNodeKind;

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
    private final Map<String, Bucket> byType = new HashMap<>();

    /** The filters of one event type. */
    private static final class Bucket {
        final List<Integer> unindexed = new ArrayList<>();
        final Map<String, Map<String, List<Integer>>> byValue = new HashMap<>();
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
            Bucket b = byType.computeIfAbsent(typeKey(s.typeNs(), s.type()), k -> new Bucket());
            if (s.eqKey() == null) {
                b.unindexed.add(i);
            } else {
                b.byValue.computeIfAbsent(s.eqKey(), k -> new HashMap<>()).computeIfAbsent(s.eqValue(), k -> new ArrayList<>()).add(i);
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
        Bucket b = byType.get(typeKey(typeNs, type));
        if (b == null) {
            return always;
        }
        IntBuffer out = new IntBuffer(always.length + b.unindexed.size() + 4);
        out.addAll(always);
        b.unindexed.forEach(out::add);
        if (!b.byValue.isEmpty() && payload != null) {
            for (XdmNode child : payload.children()) {
                if (child.getNodeKind() == XdmNodeKind.ELEMENT) {
                    var name = child.getNodeName();
                    Map<String, List<Integer>> values = b.byValue.get("{" + name.getNamespace() + "}" + name.getLocalName());
                    if (values != null) {
                        out.addAll(values.get(child.getStringValue()));
                    }
                }
            }
            for (var it = payload.axisIterator(net.sf.saxon.s9api.Axis.ATTRIBUTE); it.hasNext(); ) {
                XdmNode attribute = it.next();
                Map<String, List<Integer>> values = b.byValue.get("@" + attribute.getNodeName().getLocalName());
                if (values != null && attribute.getNodeName().getNamespace().isEmpty()) {
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

    private static String typeKey(String ns, String local) {
        return "{" + ns + "}" + local;
    }
}
