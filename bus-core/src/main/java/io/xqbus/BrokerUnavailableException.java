package io.xqbus;

/**
 * The broker could not be reached or did not answer: connection refused, unknown host, a TLS handshake
 * that failed or a certificate that is not trusted, a timeout, or a connection lost during an operation.
 * The location's source is the broker URI.
 *
 * @since 0.1
 */
public class BrokerUnavailableException extends XqBusException {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String problem, Location location, Throwable cause) {
        super(problem, location, cause);
    }
}
