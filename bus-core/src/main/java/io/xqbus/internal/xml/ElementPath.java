package io.xqbus.internal.xml;

import java.util.HashMap;
import java.util.Map;

/**
 * The path of the element being parsed, {@code /Event/Reading/F[3]}, for error locations. Kept in arrays
 * reused level by level, and turned into text only when an error asks for it: the parser enters every
 * element of every event, while the path is read only on the rare invalid one. Internal; one per parse.
 */
final class ElementPath {

    private String[] names = new String[16];
    private int[] positions = new int[16];
    /** Per level: how often each name occurred among the children seen so far of the element there. */
    @SuppressWarnings("unchecked")
    private Map<String, Integer>[] childCounts = new Map[16];
    private int depth;

    /** Enters a child of the current element (or the root). */
    void enter(String localName) {
        if (depth + 1 >= names.length) {
            grow();
        }
        Map<String, Integer> siblings = childCounts[depth];
        if (siblings == null) {
            siblings = childCounts[depth] = new HashMap<>(8);
        }
        positions[depth] = siblings.merge(localName, 1, Integer::sum);
        names[depth] = localName;
        depth++;
        Map<String, Integer> children = childCounts[depth];
        if (children != null && !children.isEmpty()) {
            children.clear();   // a new element: none of its children seen yet
        }
    }

    /** Leaves the current element. */
    void leave() {
        depth--;
    }

    /** The path as text ({@code /Event/Reading/F[3]}; a position only where a name repeats), or null at the top. */
    String text() {
        if (depth == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append('/').append(names[i]);
            if (positions[i] > 1) {
                b.append('[').append(positions[i]).append(']');
            }
        }
        return b.toString();
    }

    private void grow() {
        int n = names.length * 2;
        names = java.util.Arrays.copyOf(names, n);
        positions = java.util.Arrays.copyOf(positions, n);
        childCounts = java.util.Arrays.copyOf(childCounts, n);
    }
}
