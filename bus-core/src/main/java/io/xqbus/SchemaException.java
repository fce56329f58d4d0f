package io.xqbus;

import java.util.List;

/**
 * A schema directory that does not compile: an XSD that is not well-formed or not a valid schema, an
 * include or import that leaves the directory, or two files declaring the same event element. It lists
 * every problem found, each with file, line and column; {@link #location()} is the first one's.
 *
 * @since 0.1
 */
public class SchemaException extends XqBusException {

    private static final long serialVersionUID = 1L;
    private final List<Problem> problems;

    /** One problem of a schema set: what and where. */
    public record Problem(String message, Location location) {
        @Override
        public String toString() {
            return location.equals(Location.UNKNOWN) ? message : location + ": " + message;
        }
    }

    public SchemaException(List<Problem> problems) {
        super(summary(problems), problems.isEmpty() ? Location.UNKNOWN : problems.get(0).location(), null);
        this.problems = List.copyOf(problems);
    }

    public SchemaException(String problem, Location location) {
        this(List.of(new Problem(problem, location)));
    }

    /** Every problem found, in file order. */
    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        if (problems.isEmpty()) {
            return "the schema set does not compile";
        }
        String first = problems.get(0).message();
        return problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more problem(s))";
    }
}
