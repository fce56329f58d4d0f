package io.xqbus;

import java.util.Objects;

/**
 * Where a problem is: the file or source name, line and column (1-based; 0 when unknown) and, for problems
 * inside an event, the element path such as {@code /Event/PhoneStatus/Status}. Every error xqbus reports
 * carries one, so a person can go straight to the spot.
 *
 * @param source      file name, URI or a label such as {@code <stdin>} or {@code message ID:…}; may be null
 * @param line        line number, 0 when unknown
 * @param column      column number, 0 when unknown
 * @param elementPath element path inside an event document, or null
 * @since 0.1
 */
public record Location(String source, int line, int column, String elementPath) {

    /** A location that says nothing; used where the place is genuinely unknown. */
    public static final Location UNKNOWN = new Location(null, 0, 0, null);

    /** Renders as {@code file:line:column (element /Event/T/A)}, leaving out what is unknown. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (source != null) {
            b.append(source);
        }
        if (line > 0) {
            b.append(b.length() > 0 ? ":" : "line ").append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        if (elementPath != null) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append("(element ").append(elementPath).append(')');
        }
        return b.toString();
    }

    /** The same place with another source name. */
    public Location withSource(String newSource) {
        return new Location(newSource, line, column, elementPath);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Location l && line == l.line && column == l.column
                && Objects.equals(source, l.source) && Objects.equals(elementPath, l.elementPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, line, column, elementPath);
    }
}
