package io.xqbus.cli;

/**
 * The exit codes of xqbus's commands (brief §7, sysexits.h), in one place so both commands agree and the
 * help texts can list them.
 */
public final class ExitCodes {

    /** Done; every event accepted. */
    public static final int OK = 0;
    /** Bad flags or arguments. */
    public static final int USAGE = 2;
    /** Not well-formed, breaks its XSD, unknown event type, a filter that does not compile. */
    public static final int DATA = 65;
    /** Input file or schema directory missing. */
    public static final int NO_INPUT = 66;
    /** Broker unavailable: TCP, DNS, TLS handshake or untrusted certificate. */
    public static final int UNAVAILABLE = 69;
    /** Internal error. */
    public static final int SOFTWARE = 70;
    /** Timed out before {@code --count} was reached. */
    public static final int TEMPFAIL = 75;
    /** Not authorised: SASL authentication or missing rights. */
    public static final int NO_PERM = 77;
    /** Bad configuration file. */
    public static final int CONFIG = 78;

    /** The exit code list for {@code --help} footers. */
    public static final String HELP = """
            Exit codes:
              0   ok                      65  bad data (XML, XSD, event type, XQuery)
              2   usage                   66  input file or schema directory missing
              69  broker unavailable      70  internal error
              75  timed out before --count   77  not authorised      78  bad configuration file""";

    private ExitCodes() {
    }
}
