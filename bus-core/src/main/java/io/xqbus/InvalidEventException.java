package io.xqbus;

/**
 * An event that cannot be published or processed: not well-formed XML, a DOCTYPE or other forbidden
 * construct, a broken envelope, too large or too deep, or a payload that breaks its XSD. The location names
 * line, column and element path. An event whose type no schema declares is the subclass
 * {@link UnknownEventTypeException}.
 *
 * @since 0.1
 */
public class InvalidEventException extends XqBusException {

    private static final long serialVersionUID = 1L;

    public InvalidEventException(String problem, Location location, Throwable cause) {
        super(problem, location, cause);
    }

    public InvalidEventException(String problem, Location location) {
        super(problem, location, null);
    }
}
