package io.xqbus.internal.xml;

import java.util.Arrays;

/**
 * The path of the element being parsed, {@code /Event/Reading/F[3]}, for error locations. The parser enters
 * every element of every event while the path is read only on the rare invalid one, so entering only notes
 * the name among its siblings (in arrays reused level by level), and the positions are counted when an error
 * asks for the text. Internal; one per parse.
 */
final class ElementPath {

    /** Per level: the names of the children seen so far of the element there, the current one last. */
    private String[][] seen = new String[16][];
    private int[] seenCount = new int[16];
    private int depth;

    /** Enters a child of the current element (or the root). */
    void enter(String localName) {
        if (depth + 1 >= seen.length) {
            seen = Arrays.copyOf(seen, seen.length * 2);
            seenCount = Arrays.copyOf(seenCount, seenCount.length * 2);
        }
        String[] siblings = seen[depth];
        int n = seenCount[depth];
        if (siblings == null) {
            siblings = seen[depth] = new String[8];
        } else if (n == siblings.length) {
            siblings = seen[depth] = Arrays.copyOf(siblings, n * 2);
        }
        siblings[n] = localName;
        seenCount[depth] = n + 1;
        depth++;
        seenCount[depth] = 0;   // a new element: none of its children seen yet
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
            String[] siblings = seen[i];
            int current = seenCount[i] - 1;
            String name = siblings[current];
            int position = 0;
            for (int j = 0; j <= current; j++) {
                if (name.equals(siblings[j])) {
                    position++;
                }
            }
            b.append('/').append(name);
            if (position > 1) {
                b.append('[').append(position).append(']');
            }
        }
        return b.toString();
    }
}
