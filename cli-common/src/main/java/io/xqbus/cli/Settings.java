package io.xqbus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where option defaults come from when the command line is silent: first the environment
 * ({@code XQBUS_BROKER}, {@code XQBUS_SCHEMAS}, {@code XQBUS_USER}, …), then the configuration file
 * {@code $XDG_CONFIG_HOME/xqbus/xqbus.properties} (default {@code ~/.config/xqbus/xqbus.properties}, or the
 * file {@code XQBUS_CONFIG} names). The file holds {@code key = value} lines with the option names as keys;
 * {@code #} starts a comment. An unknown key or an unreadable file is a configuration error naming the line.
 */
public final class Settings {

    /** The keys a configuration file may hold, with the environment variable that overrides each. */
    public static final Map<String, String> KEYS = keys();

    private final Map<String, String> env;
    private final Map<String, String> file;
    private final Path path;

    private Settings(Map<String, String> env, Map<String, String> file, Path path) {
        this.env = env;
        this.file = file;
        this.path = path;
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("broker", "XQBUS_BROKER");
        k.put("schemas", "XQBUS_SCHEMAS");
        k.put("prefix", "XQBUS_PREFIX");
        k.put("source", "XQBUS_SOURCE");
        k.put("user", "XQBUS_USER");
        k.put("password-env", null);
        k.put("trust-store", "XQBUS_TRUST_STORE");
        k.put("trust-store-password-env", null);
        return java.util.Collections.unmodifiableMap(k);
    }

    /**
     * Reads the configuration file, if there is one.
     *
     * @throws CliError (exit 78) when the file cannot be read or holds an unknown key or a line without '='
     */
    public static Settings load(Map<String, String> env) throws CliError {
        Path path = configFile(env);
        Map<String, String> values = new LinkedHashMap<>();
        if (path != null && Files.isRegularFile(path)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliError(ExitCodes.CONFIG, path + ": cannot read the configuration file: " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new CliError(ExitCodes.CONFIG, path + ":" + (i + 1) + ": expected 'key = value', found '" + line + "'");
                }
                String key = line.substring(0, eq).strip();
                if (!KEYS.containsKey(key)) {
                    throw new CliError(ExitCodes.CONFIG, path + ":" + (i + 1) + ": unknown key '" + key + "'",
                            "known keys: " + String.join(", ", new TreeSet<>(KEYS.keySet())));
                }
                values.put(key, line.substring(eq + 1).strip());
            }
        }
        return new Settings(env, values, path);
    }

    /** Settings from the environment alone (no file). */
    public static Settings ofEnvironment(Map<String, String> env) {
        return new Settings(env, Map.of(), null);
    }

    private static Path configFile(Map<String, String> env) {
        String explicit = env.get("XQBUS_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "xqbus", "xqbus.properties");
        }
        String home = env.get("HOME");
        return home == null || home.isBlank() ? null : Path.of(home, ".config", "xqbus", "xqbus.properties");
    }

    /** The value for a key: the command-line value if given, else the environment, else the file; may be null. */
    public String get(String key, String commandLine) {
        if (commandLine != null && !commandLine.isBlank()) {
            return commandLine;
        }
        String var = KEYS.get(key);
        if (var != null) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return file.get(key);
    }

    /** An environment variable (for passwords: only ever read from the environment). */
    public String env(String name) {
        return env.get(name);
    }

    /** The configuration file read, or null. */
    public Path path() {
        return path;
    }
}
