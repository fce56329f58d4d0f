package io.xqbus.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The xqbus configuration file ({@code ~/.config/xqbus/xqbus.properties}): {@code key = value} lines, with
 * {@code profile.NAME.key = value} for named connection profiles. Read by the commands and by
 * {@link io.xqbus.BusOptions#fromProfile}. Every mistake names the file and line. Internal.
 */
public final class ConfigFile {

    /**
     * The keys a file (or a profile) may hold, each with the environment variable that overrides it in the
     * commands (null: none — the password variables name variables themselves).
     */
    public static final Map<String, String> ENVIRONMENT = environment();

    /** The keys a file (or a profile) may hold. */
    public static final Set<String> KEYS = ENVIRONMENT.keySet();

    private static Map<String, String> environment() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("broker", "XQBUS_BROKER");
        k.put("broker-kind", "XQBUS_BROKER_KIND");
        k.put("management-uri", "XQBUS_MANAGEMENT_URI");
        k.put("schemas", "XQBUS_SCHEMAS");
        k.put("prefix", "XQBUS_PREFIX");
        k.put("source", "XQBUS_SOURCE");
        k.put("user", "XQBUS_USER");
        k.put("password-env", null);
        k.put("trust-store", "XQBUS_TRUST_STORE");
        k.put("trust-store-password-env", null);
        return java.util.Collections.unmodifiableMap(k);
    }

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /** The file an environment points to: {@code XQBUS_CONFIG}, else under {@code XDG_CONFIG_HOME}, else {@code ~/.config}. */
    public static Path locate(Map<String, String> env) {
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

    /**
     * Reads a file; a missing one is empty.
     *
     * @throws IllegalArgumentException naming the file and line of a mistake
     */
    public static ConfigFile read(Path path) {
        Map<String, String> values = new LinkedHashMap<>();
        if (path == null || !Files.isRegularFile(path)) {
            return new ConfigFile(path, values);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read the configuration file: " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + ": expected 'key = value', found '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String plain = key.startsWith("profile.") && key.indexOf('.', 8) > 8 ? key.substring(key.indexOf('.', 8) + 1) : key;
            if (!KEYS.contains(plain)) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + ": unknown key '" + key + "' (known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ", each also as profile.NAME.key)");
            }
            values.put(key, line.substring(eq + 1).strip());
        }
        return new ConfigFile(path, values);
    }

    /** The value of a key: the profile's if a profile is given and sets it, else the plain one; may be null. */
    public String get(String profile, String key) {
        if (profile != null) {
            String v = values.get("profile." + profile + "." + key);
            if (v != null) {
                return v;
            }
        }
        return values.get(key);
    }

    /** Whether the file defines a profile of this name. */
    public boolean hasProfile(String profile) {
        String prefix = "profile." + profile + ".";
        return values.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** The file read (may not exist). */
    public Path path() {
        return path;
    }
}
