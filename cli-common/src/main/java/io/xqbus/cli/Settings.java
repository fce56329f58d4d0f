package io.xqbus.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where option defaults come from when the command line is silent: first the environment
 * ({@code XQBUS_BROKER}, {@code XQBUS_SCHEMAS}, {@code XQBUS_USER}, …), then the configuration file
 * {@code $XDG_CONFIG_HOME/xqbus/xqbus.properties} (default {@code ~/.config/xqbus/xqbus.properties}, or the
 * file {@code XQBUS_CONFIG} names). The file holds {@code key = value} lines with the option names as keys;
 * {@code #} starts a comment; {@code profile.NAME.key} lines form named profiles, selected with {@code --profile NAME}
 * (or {@code XQBUS_PROFILE}), whose values come before the plain keys. An unknown key or profile, or an unreadable
 * file, is a configuration error naming the file and line.
 */
public final class Settings {

    private final Map<String, String> env;
    private final io.xqbus.internal.config.ConfigFile file;
    private final String profile;

    private Settings(Map<String, String> env, io.xqbus.internal.config.ConfigFile file, String profile) {
        this.env = env;
        this.file = file;
        this.profile = profile;
    }

    /**
     * Reads the configuration file, if there is one.
     *
     * @throws CliError (exit 78) when the file cannot be read or holds an unknown key or a line without '='
     */
    public static Settings load(Map<String, String> env) throws CliError {
        return load(env, null);
    }

    /**
     * Reads the configuration file with a named profile selected ({@code --profile}, or {@code XQBUS_PROFILE}).
     *
     * @throws CliError (exit 78) on a broken file or an unknown profile
     */
    public static Settings load(Map<String, String> env, String profile) throws CliError {
        io.xqbus.internal.config.ConfigFile file;
        try {
            file = io.xqbus.internal.config.ConfigFile.read(io.xqbus.internal.config.ConfigFile.locate(env));
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.CONFIG, e.getMessage());
        }
        String selected = profile != null ? profile : env.get("XQBUS_PROFILE");
        if (selected != null && !file.hasProfile(selected)) {
            throw new CliError(ExitCodes.CONFIG, (file.path() == null ? "the configuration file" : file.path().toString())
                    + ": no profile '" + selected + "'", "write profile." + selected + ".broker = … there");
        }
        return new Settings(env, file, selected);
    }

    /** The value for a key: the command-line value if given, else the environment, else the file; may be null. */
    public String get(String key, String commandLine) {
        if (commandLine != null && !commandLine.isBlank()) {
            return commandLine;
        }
        String var = io.xqbus.internal.config.ConfigFile.ENVIRONMENT.get(key);
        if (var != null) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return file.get(profile, key);
    }

    /** An environment variable (for passwords: only ever read from the environment). */
    public String env(String name) {
        return env.get(name);
    }

    /** The configuration file read, or null. */
    public Path path() {
        return file.path();
    }
}
