package io.xqbus;

/**
 * The options describe something that cannot work, before any broker was asked: a broker-URI option that
 * qpid-jms does not know (usually misspelt), a trust store that cannot be opened, a broken configuration
 * file, an unknown profile, or a password variable that is named but not set. Unlike
 * {@link BrokerUnavailableException}, trying again will not help; the message names the option or file.
 *
 * @since 0.1
 */
public class ConfigurationException extends XqBusException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String problem, Location location, Throwable cause) {
        super(problem, location, cause);
    }
}
