package io.xqbus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the xqbus library on the class path, as the build named it: what every command's
 * {@code --version} prints and what a bug report should quote. The pom is its one source (a filtered resource).
 */
public final class Version {

    private static final String CURRENT = read(Version.class, "version.properties");

    private Version() {
    }

    /** The version, for example {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return CURRENT;
    }

    /** Reads {@code version} from a properties resource next to {@code owner}; the embedded broker has its own copy. */
    static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing beside " + owner.getName() + ": a broken build");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
