package io.xqbus.cli;

import java.util.Map;

import picocli.CommandLine.Option;

import io.xqbus.BusOptions;

/**
 * The options both commands share to reach a broker (brief §7). Defaults come from the environment
 * ({@code XQBUS_BROKER}, {@code XQBUS_USER}, {@code XQBUS_PASSWORD}, {@code XQBUS_SCHEMAS}); the command line
 * wins. The password is never an option value, so it never shows in a process listing.
 */
public final class BrokerOptions {

    @Option(names = "--broker", paramLabel = "URI",
            description = "Broker URI (default: $XQBUS_BROKER or " + BusOptions.DEFAULT_BROKER + "); "
                    + "amqps://… for TLS, failover:(…) for a cluster.")
    String broker;

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

    /** The broker URI, from the option or the environment. */
    public String broker(Map<String, String> env) {
        return first(broker, env.get("XQBUS_BROKER"), BusOptions.DEFAULT_BROKER);
    }

    /** The {@code --schemas} value, from the option or the environment; null for the predefined set. */
    public String schemas(Map<String, String> env) {
        return first(schemas, env.get("XQBUS_SCHEMAS"), null);
    }

    /**
     * The bus options these settings describe.
     *
     * @throws CliError when {@code --password-env} names an unset variable
     */
    public BusOptions.Builder toBusOptions(Map<String, String> env) throws CliError {
        BusOptions.Builder b = BusOptions.builder().broker(broker(env));
        if (prefix != null) {
            b.prefix(prefix);
        }
        String u = first(user, env.get("XQBUS_USER"), null);
        if (u != null) {
            String var = passwordEnv != null ? passwordEnv : "XQBUS_PASSWORD";
            String password = env.get(var);
            if (passwordEnv != null && password == null) {
                throw new CliError(ExitCodes.USAGE, "--password-env names " + passwordEnv + ", which is not set",
                        "export " + passwordEnv + " before running, or leave --password-env out for anonymous/passwordless users");
            }
            b.credentials(u, password);
        }
        return b;
    }

    private static String first(String a, String b, String c) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return c;
    }
}
