package io.xqbus.cli.schemas;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** xqbus-schemas check and list, in process. */
class SchemasCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SchemasCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static final String HEAD = "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:s' xmlns='urn:s'>\n";

    @Test
    void checkReportsEveryProblemWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("A.xsd"), HEAD + "<xs:element name='A' type='Missing'/>\n</xs:schema>");
        Files.writeString(dir.resolve("B.xsd"), HEAD + "<xs:element name='B' type='AlsoMissing'/>\n</xs:schema>");
        Result r = run("check", dir.toString());
        assertEquals(65, r.code());
        assertTrue(r.err().contains(dir.resolve("A.xsd") + ":2:") && r.err().contains(dir.resolve("B.xsd") + ":2:"), r.err());
        assertTrue(r.err().contains("2 problem(s)"), r.err());
    }

    @Test
    void checkPassesAGoodDirectoryAndListShowsItsTypes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("A.xsd"), HEAD + "<xs:element name='A'><xs:annotation><xs:documentation>An A happened."
                + "</xs:documentation></xs:annotation><xs:complexType><xs:sequence><xs:element name='Who' type='xs:string'/>"
                + "</xs:sequence></xs:complexType></xs:element>\n</xs:schema>");
        Result check = run("check", dir.toString());
        assertEquals(0, check.code(), check.err());
        assertTrue(check.out().contains("1 event types, no problems"), check.out());
        Result list = run("list", dir.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("An A happened.") && list.out().contains("Who"), list.out());
        assertEquals(0, run("check").code(), "the predefined set compiles");
    }

    @Test
    void aMissingDirectoryIs66(@TempDir Path dir) {
        assertEquals(66, run("check", dir.resolve("none").toString()).code());
    }
}
