package io.xqbus.internal.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.xqbus.BrokerKind;
import io.xqbus.BusOptions;

/**
 * The one resolution of connection settings, used by {@link BusOptions#fromEnvironment()},
 * {@link BusOptions#fromProfile(String)} and the commands: for each key of {@link ConfigFile#KEYS}, the value
 * given explicitly (a command-line option), else its environment variable ({@code XQBUS_BROKER}, …), else the
 * selected profile of the configuration file ({@code profile.NAME.key}), else the file's plain key. Passwords
 * are only ever read from the environment variables that {@code password-env} and
 * {@code trust-store-password-env} name. Internal.
 */
public final class ConnectionSettings {

    /** Where a value came from; decides how a mistake in it is reported (a usage error or a configuration error). */
    public enum Origin { EXPLICIT, ENVIRONMENT, FILE, DEFAULT }

    /** A mistake in the settings, naming the key, where its value came from, and one line of advice. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        private final Origin origin;
        private final boolean missingFile;
        private final String hint;

        Problem(String message, Origin origin, boolean missingFile, String hint) {
            super(message);
            this.origin = origin;
            this.missingFile = missingFile;
            this.hint = hint;
        }

        /** Where the value at fault came from. */
        public Origin origin() {
            return origin;
        }

        /** Whether the fault is a file that does not exist (a trust store). */
        public boolean missingFile() {
            return missingFile;
        }

        /** One line of advice, or null. */
        public String hint() {
            return hint;
        }
    }

    private final Map<String, String> env;
    private final Map<String, String> explicit;
    private final ConfigFile file;
    private final String profile;

    private ConnectionSettings(Map<String, String> env, Map<String, String> explicit, ConfigFile file, String profile) {
        this.env = env;
        this.explicit = explicit;
        this.file = file;
        this.profile = profile;
    }

    /**
     * Reads the configuration file the environment points to, with a profile selected ({@code profile}, else
     * {@code XQBUS_PROFILE}, else none).
     *
     * @param explicit values given explicitly, by key of {@link ConfigFile#KEYS}; null values are absent
     * @throws Problem when the file is broken or the profile is unknown
     */
    public static ConnectionSettings load(Map<String, String> env, String profile, Map<String, String> explicit) throws Problem {
        for (String key : explicit.keySet()) {
            if (!ConfigFile.KEYS.contains(key)) {
                throw new IllegalArgumentException("not a settings key: " + key);
            }
        }
        ConfigFile file;
        try {
            file = ConfigFile.read(ConfigFile.locate(env));
        } catch (IllegalArgumentException e) {
            throw new Problem(e.getMessage(), Origin.FILE, false, null);
        }
        String selected = profile != null ? profile : env.get("XQBUS_PROFILE");
        if (selected != null && !file.hasProfile(selected)) {
            throw new Problem((file.path() == null ? "the configuration file" : file.path().toString())
                    + ": no profile '" + selected + "'", Origin.FILE, false,
                    "write profile." + selected + ".broker = … there");
        }
        return new ConnectionSettings(env, explicit, file, selected);
    }

    /** The value for a key (explicit, environment, profile, file); may be null. */
    public String get(String key) {
        String given = explicit.get(key);
        if (given != null && !given.isBlank()) {
            return given;
        }
        String var = ConfigFile.ENVIRONMENT.get(key);
        if (var != null) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return file.get(profile, key);
    }

    /** Where the value of a key comes from. */
    public Origin origin(String key) {
        String given = explicit.get(key);
        if (given != null && !given.isBlank()) {
            return Origin.EXPLICIT;
        }
        String var = ConfigFile.ENVIRONMENT.get(key);
        if (var != null && env.get(var) != null && !env.get(var).isBlank()) {
            return Origin.ENVIRONMENT;
        }
        return file.get(profile, key) != null ? Origin.FILE : Origin.DEFAULT;
    }

    /** How to name a key's source in a message: {@code --key}, {@code $VAR} or the file. */
    public String describe(String key) {
        return switch (origin(key)) {
            case EXPLICIT -> "--" + key;
            case ENVIRONMENT -> "$" + ConfigFile.ENVIRONMENT.get(key);
            case FILE -> key + " in " + file.path() + (profile != null ? " (profile " + profile + ")" : "");
            case DEFAULT -> key;
        };
    }

    /** The configuration file read (it may not exist), or null. */
    public Path path() {
        return file.path();
    }

    /**
     * A builder with every connection setting applied: broker, broker kind, management URI, prefix, source,
     * user and password, trust store and its password. Schemas are left to the caller (the commands watch
     * them; {@link BusOptions#fromProfile} compiles them).
     *
     * @throws Problem when a password variable is named but unset, a broker kind is unknown, or the trust
     *                 store does not exist
     */
    public BusOptions.Builder toBuilder() throws Problem {
        BusOptions.Builder b = BusOptions.builder();
        if (get("broker") != null) {
            b.broker(get("broker"));
        }
        if (get("broker-kind") != null) {
            try {
                b.brokerKind(BrokerKind.parse(get("broker-kind")));
            } catch (IllegalArgumentException e) {
                throw new Problem(describe("broker-kind") + ": " + e.getMessage(), origin("broker-kind"), false, null);
            }
        }
        if (get("management-uri") != null) {
            b.managementUri(get("management-uri"));
        }
        if (get("prefix") != null) {
            b.prefix(get("prefix"));
        }
        if (get("source") != null) {
            b.source(get("source"));
        }
        String user = get("user");
        if (user != null) {
            String var = get("password-env");
            String password = env.get(var != null ? var : "XQBUS_PASSWORD");
            if (var != null && password == null) {
                throw new Problem(describe("password-env") + " names " + var + ", which is not set", origin("password-env"), false,
                        "export " + var + " before running, or leave password-env out for users without a password");
            }
            b.credentials(user, password);
        }
        String store = get("trust-store");
        if (store != null) {
            Path path = Path.of(store);
            if (!Files.isRegularFile(path)) {
                throw new Problem(store + ": no such trust store (from " + describe("trust-store") + ")", origin("trust-store"), true, null);
            }
            String var = get("trust-store-password-env");
            char[] password = null;
            if (var != null) {
                String value = env.get(var);
                if (value == null) {
                    throw new Problem(describe("trust-store-password-env") + " names " + var + ", which is not set",
                            origin("trust-store-password-env"), false, "export " + var + " before running");
                }
                password = value.toCharArray();
            }
            b.trustStore(path, password);
        }
        return b;
    }
}
