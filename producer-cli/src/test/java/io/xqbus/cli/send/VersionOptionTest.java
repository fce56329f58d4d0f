package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.xqbus.cli.schemas.SchemasCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --version} names the version the pom built, not a number typed into the source (#16 item 6). */
class VersionOptionTest {

    static String pomVersion() {
        String v = System.getProperty("xqbus.version");
        assertTrue(v != null && !v.isBlank(), "surefire passes the pom's version as xqbus.version");
        return v;
    }

    @Test
    void sendeventNamesTheBuild() {
        StringWriter out = new StringWriter();
        int code = SendEvent.run(new String[] {"--version"}, Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, code);
        assertTrue(out.toString().startsWith("sendevent (xqbus) " + pomVersion() + System.lineSeparator()), out.toString());
        assertTrue(out.toString().contains("Java " + System.getProperty("java.version")), out.toString());
    }

    @Test
    void xqbusSchemasNamesTheBuild() {
        StringWriter out = new StringWriter();
        int code = SchemasCommand.run(new String[] {"--version"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, code);
        assertTrue(out.toString().startsWith("xqbus-schemas (xqbus) " + pomVersion() + System.lineSeparator()), out.toString());
    }
}
