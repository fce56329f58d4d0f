package io.xqbus;

/**
 * An XQuery filter that does not compile, or that the sandbox refuses (for example a module import). Names
 * the filter, the line and column inside the query, and the XQuery error code (such as {@code XPST0003}).
 *
 * @since 0.1
 */
public class FilterCompileException extends XqBusException {

    private static final long serialVersionUID = 1L;
    private final String filterName;
    private final String errorCode;

    public FilterCompileException(String filterName, String errorCode, String problem, Location location, Throwable cause) {
        super((errorCode == null ? "" : errorCode + ": ") + problem, location, cause);
        this.filterName = filterName;
        this.errorCode = errorCode;
    }

    /** The name the filter was given. */
    public String filterName() {
        return filterName;
    }

    /** The XQuery error code, for example {@code XPST0003}, or null when there is none. */
    public String errorCode() {
        return errorCode;
    }
}
