package io.xqbus.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.xqbus.BrokerKind;
import io.xqbus.BusOptions;

/**
 * The options both commands share to reach a broker (brief §7). Values not given on the command line come
 * from {@link Settings} (environment, then configuration file). Passwords are never option values — only
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

    private Settings settings;

    /** Reads the environment and configuration file; call once before the other methods. */
    public Settings settings(java.util.Map<String, String> env) throws CliError {
        if (settings == null) {
            settings = Settings.load(env, profile);
        }
        return settings;
    }

    /** The broker URI as given (without trust store options). */
    public String broker() {
        String b = settings.get("broker", broker);
        return b == null ? BusOptions.DEFAULT_BROKER : b;
    }

    /** The {@code --schemas} value; null for the predefined set. */
    public String schemas() {
        return settings.get("schemas", schemas);
    }

    /** The {@code --source} value from the environment or file, when the command line has none. */
    public String source(String commandLine) {
        return settings.get("source", commandLine);
    }

    /**
     * The bus options these settings describe.
     *
     * @throws CliError when a password variable is named but unset, or the trust store is missing
     */
    public BusOptions.Builder toBusOptions() throws CliError {
        String uri = broker();
        String store = settings.get("trust-store", trustStore == null ? null : trustStore.toString());
        if (store != null) {
            if (!Files.isRegularFile(Path.of(store))) {
                throw new CliError(ExitCodes.NO_INPUT, store + ": no such trust store");
            }
            uri = withOption(uri, "transport.trustStoreLocation=" + store);
            String var = settings.get("trust-store-password-env", trustStorePasswordEnv);
            if (var != null) {
                String password = settings.env(var);
                if (password == null) {
                    throw new CliError(ExitCodes.USAGE, "--trust-store-password-env names " + var + ", which is not set");
                }
                uri = withOption(uri, "transport.trustStorePassword=" + password);
            }
        }
        BusOptions.Builder b = BusOptions.builder().broker(uri);
        String kind = settings.get("broker-kind", brokerKind);
        if (kind != null) {
            try {
                b.brokerKind(BrokerKind.parse(kind));
            } catch (IllegalArgumentException e) {
                throw brokerKind != null ? new CliError(ExitCodes.USAGE, "--broker-kind: " + e.getMessage())
                        : new CliError(ExitCodes.CONFIG, "broker-kind (from $XQBUS_BROKER_KIND or " + settings.path() + "): " + e.getMessage());
            }
        }
        String management = settings.get("management-uri", managementUri);
        if (management != null) {
            b.managementUri(management);
        }
        String p = settings.get("prefix", prefix);
        if (p != null) {
            b.prefix(p);
        }
        String u = settings.get("user", user);
        if (u != null) {
            String var = settings.get("password-env", passwordEnv);
            String password = settings.env(var != null ? var : "XQBUS_PASSWORD");
            if (var != null && password == null) {
                throw new CliError(ExitCodes.USAGE, "--password-env names " + var + ", which is not set",
                        "export " + var + " before running, or leave --password-env out for users without a password");
            }
            b.credentials(u, password);
        }
        return b;
    }

    /** Adds a transport option; in a failover list, to each nested URI (where qpid-jms reads them). */
    static String withOption(String uri, String option) {
        int open = uri.indexOf('(');
        int close = uri.lastIndexOf(')');
        if (uri.startsWith("failover:") && open > 0 && close > open) {
            StringBuilder nested = new StringBuilder();
            for (String part : uri.substring(open + 1, close).split(",")) {
                if (nested.length() > 0) {
                    nested.append(',');
                }
                nested.append(withOption(part.strip(), option));
            }
            return uri.substring(0, open + 1) + nested + uri.substring(close);
        }
        return uri + (uri.contains("?") ? "&" : "?") + option;
    }
}
