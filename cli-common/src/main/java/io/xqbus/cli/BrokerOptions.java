package io.xqbus.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.xqbus.BusOptions;
import io.xqbus.internal.config.ConnectionSettings;

/**
 * The options both commands share to reach a broker (brief §7). Values not given on the command line come
 * from the environment, then the configuration file (bus-core's {@link ConnectionSettings}, the resolution
 * {@link BusOptions#fromProfile} uses too). Passwords are never option values — only
 * names of environment variables — so they never show in a process listing.
 */
public final class BrokerOptions {

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Use the named connection profile of ~/.config/xqbus/xqbus.properties (profile.NAME.broker = …); default $XQBUS_PROFILE.")
    String profile;

    @Option(names = "--broker", paramLabel = "URI",
            description = "Broker URI (default: $XQBUS_BROKER, the config file, or " + BusOptions.DEFAULT_BROKER + "); "
                    + "amqps://… for TLS, failover:(…) for a cluster.")
    String broker;

    @Option(names = "--broker-kind", paramLabel = "KIND",
            description = "standard (Artemis and brokers like it, the default) or rabbitmq (RabbitMQ 3.x with the AMQP 1.0 plugin); "
                    + "default $XQBUS_BROKER_KIND.")
    String brokerKind;

    @Option(names = "--management-uri", paramLabel = "URI",
            description = "RabbitMQ only: the management API where consumer-group and dead-letter queues are declared "
                    + "(default http://BROKER-HOST:15672; 'none' when the operator declares them); default $XQBUS_MANAGEMENT_URI.")
    String managementUri;

    @Option(names = "--prefix", paramLabel = "NAME", description = "Address prefix (default: " + BusOptions.DEFAULT_PREFIX + ").")
    String prefix;

    @Option(names = "--schemas", paramLabel = "DIR",
            description = "XSD directory: DIR replaces the predefined events, +DIR adds to them (default: $XQBUS_SCHEMAS, else the predefined events).")
    String schemas;

    @Option(names = "--user", paramLabel = "NAME", description = "SASL user (default: $XQBUS_USER).")
    String user;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Read the password from environment variable VAR (default: XQBUS_PASSWORD).")
    String passwordEnv;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "Trust store (PKCS12 or JKS) with the broker's certificate or its CA, for amqps:// URIs.")
    Path trustStore;

    @Option(names = "--trust-store-password-env", paramLabel = "VAR",
            description = "Read the trust store password from environment variable VAR.")
    String trustStorePasswordEnv;

    private ConnectionSettings settings;

    /** Reads the environment and configuration file; call once before the other methods. */
    public ConnectionSettings settings(java.util.Map<String, String> env) throws CliError {
        if (settings == null) {
            java.util.Map<String, String> given = new java.util.HashMap<>();
            given.put("broker", broker);
            given.put("broker-kind", brokerKind);
            given.put("management-uri", managementUri);
            given.put("prefix", prefix);
            given.put("schemas", schemas);
            given.put("user", user);
            given.put("password-env", passwordEnv);
            given.put("trust-store", trustStore == null ? null : trustStore.toString());
            given.put("trust-store-password-env", trustStorePasswordEnv);
            given.values().removeIf(java.util.Objects::isNull);
            try {
                settings = ConnectionSettings.load(env, profile, given);
            } catch (ConnectionSettings.Problem e) {
                throw error(e);
            }
        }
        return settings;
    }

    /** The broker URI as given. */
    public String broker() {
        String b = settings.get("broker");
        return b == null ? BusOptions.DEFAULT_BROKER : b;
    }

    /** The {@code --schemas} value; null for the predefined set. */
    public String schemas() {
        return settings.get("schemas");
    }

    /** The {@code --source} value given, else the one from the environment or file. */
    public String source(String commandLine) {
        return commandLine != null && !commandLine.isBlank() ? commandLine : settings.get("source");
    }

    /**
     * The bus options these settings describe (bus-core's one resolution of command line, environment and
     * configuration file).
     *
     * @throws CliError when a password variable is named but unset (2 from an option, 78 from the environment or
     *                  file), or the trust store is missing (66)
     */
    public BusOptions.Builder toBusOptions() throws CliError {
        try {
            return settings.toBuilder();
        } catch (ConnectionSettings.Problem e) {
            throw error(e);
        }
    }

    private static CliError error(ConnectionSettings.Problem e) {
        int code = e.missingFile() ? ExitCodes.NO_INPUT
                : e.origin() == ConnectionSettings.Origin.EXPLICIT ? ExitCodes.USAGE : ExitCodes.CONFIG;
        return e.hint() == null ? new CliError(code, e.getMessage()) : new CliError(code, e.getMessage(), e.hint());
    }
}
