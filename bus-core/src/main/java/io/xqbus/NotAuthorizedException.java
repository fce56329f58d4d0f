package io.xqbus;

/**
 * The broker refused the credentials (SASL authentication) or the user lacks the right to publish or
 * consume on an address. Distinct from {@link BrokerUnavailableException} because retrying will not help.
 *
 * @since 0.1
 */
public class NotAuthorizedException extends XqBusException {

    private static final long serialVersionUID = 1L;

    public NotAuthorizedException(String problem, Location location, Throwable cause) {
        super(problem, location, cause);
    }
}
