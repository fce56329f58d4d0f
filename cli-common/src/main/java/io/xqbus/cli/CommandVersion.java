package io.xqbus.cli;

import io.xqbus.Version;
import picocli.CommandLine;

/**
 * What {@code --version} prints for every command: its name and the xqbus version it was built as, so a
 * user can tell which build runs (one source: the pom, through {@link Version}), plus the Java running it.
 */
public final class CommandVersion implements CommandLine.IVersionProvider {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public String[] getVersion() {
        return new String[] {
            spec.name() + " (xqbus) " + Version.current(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
