package io.xqbus;

/**
 * The root of every checked error xqbus raises. Each carries a {@link Location} (possibly
 * {@link Location#UNKNOWN}) and a message that says what went wrong; {@link #getMessage()} adds the location,
 * {@link #problem()} is the message alone. Catch the subclasses to tell bad data, bad schemas, bad filters
 * and broker trouble apart.
 *
 * @since 0.1
 */
public class XqBusException extends Exception {

    private static final long serialVersionUID = 1L;
    private final String problem;
    private final Location location;

    public XqBusException(String problem, Location location, Throwable cause) {
        super(render(problem, location), cause);
        this.problem = problem;
        this.location = location == null ? Location.UNKNOWN : location;
    }

    public XqBusException(String problem, Throwable cause) {
        this(problem, Location.UNKNOWN, cause);
    }

    /** What went wrong, without the location. */
    public String problem() {
        return problem;
    }

    /** Where it went wrong; never null. */
    public Location location() {
        return location;
    }

    private static String render(String problem, Location location) {
        if (location == null || location.equals(Location.UNKNOWN)) {
            return problem;
        }
        return location + ": " + problem;
    }
}
