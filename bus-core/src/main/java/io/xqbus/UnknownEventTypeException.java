package io.xqbus;

import java.util.List;

/**
 * The payload element of an event is not declared by any XSD of the schema set. Distinct from an XSD
 * violation because the remedy differs: add the schema, or fix the name (see {@link #nearMatches()}).
 *
 * @since 0.1
 */
public class UnknownEventTypeException extends InvalidEventException {

    private static final long serialVersionUID = 1L;
    private final String namespace;
    private final String localName;
    private final List<String> nearMatches;

    public UnknownEventTypeException(String namespace, String localName, List<String> nearMatches, Location location) {
        this(describe(namespace, localName, nearMatches), namespace, localName, nearMatches, location);
    }

    private UnknownEventTypeException(String message, String namespace, String localName, List<String> nearMatches, Location location) {
        super(message, location);
        this.namespace = namespace;
        this.localName = localName;
        this.nearMatches = List.copyOf(nearMatches);
    }

    /**
     * The payload element is declared, but as a building block of another event: a file {@code X.xsd} that
     * declares a global element {@code X} contributes only {@code X} as an event type (the lineage's rule), and
     * its other global elements ({@code NetworkDevice} of {@code ClientAnnounce.xsd}) travel inside an {@code X}.
     *
     * @param event the event type of the file that declares the element
     * @param file  that file
     */
    public static UnknownEventTypeException buildingBlock(String namespace, String localName, String event, String file,
                                                          Location location) {
        return new UnknownEventTypeException(localName + " is not an event type: it is a building block of " + event + " ("
                + file + " declares the event " + event + "; its other global elements are parts of events, not events): send it inside a "
                + event, namespace, localName, List.of(event), location);
    }

    /** The namespace of the unknown payload element ("" for none). */
    public String namespace() {
        return namespace;
    }

    /** The local name of the unknown payload element. */
    public String localName() {
        return localName;
    }

    /** Known event types whose names are close to the unknown one, best first (may be empty). */
    public List<String> nearMatches() {
        return nearMatches;
    }

    private static String describe(String ns, String local, List<String> near) {
        String name = ns == null || ns.isEmpty() ? local : "{" + ns + "}" + local;
        String s = "unknown event type " + name + ": no XSD in the schema set declares it";
        if (!near.isEmpty()) {
            s += " (did you mean " + String.join(", ", near) + "?)";
        }
        return s;
    }
}
