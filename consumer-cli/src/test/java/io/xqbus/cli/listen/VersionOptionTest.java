package io.xqbus.cli.listen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listenevents --version} names the version the pom built (#16 item 6). */
class VersionOptionTest {

    @Test
    void listeneventsNamesTheBuild() {
        String pomVersion = System.getProperty("xqbus.version");
        assertTrue(pomVersion != null && !pomVersion.isBlank(), "surefire passes the pom's version as xqbus.version");
        StringWriter out = new StringWriter();
        int code = ListenEvents.run(new String[] {"--version"}, Map.of(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, code);
        assertTrue(out.toString().startsWith("listenevents (xqbus) " + pomVersion + System.lineSeparator()), out.toString());
    }
}
