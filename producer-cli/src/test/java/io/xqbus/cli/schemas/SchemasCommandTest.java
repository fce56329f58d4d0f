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

    /**
     * Clacks' 2011-09 event tree (gonicus/clacks 48bcb7a38a794c12ec980006922d9c75c6ced207, copied unchanged to
     * bus-core's test resources, see lineage/PROVENANCE.md there) added with +DIR: it compiles, its events
     * replace the predefined ones of the same name, and its building blocks are not listed (issue #17 items 4, 5).
     */
    @Test
    void plusALineageTreeListsItsEventsAsReplacingThePredefinedOnes() {
        Path tree = Path.of("..", "bus-core", "src", "test", "resources", "lineage", "clacks-2011-09").toAbsolutePath().normalize();
        Result check = run("check", "+" + tree);
        assertEquals(0, check.code(), check.err());
        Result list = run("list", "+" + tree);
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("ClientAnnounce  {http://www.gonicus.de/Events}  (" + tree.resolve(
                "gosa.agent/src/gosa/agent/plugins/goto/data/events/ClientAnnounce.xsd") + ", replaces predefined:ClientAnnounce.xsd)"), list.out());
        assertTrue(list.out().contains("PhoneStatus  {http://www.gonicus.de/Events}  (predefined:PhoneStatus.xsd)"), list.out());
        assertTrue(!list.out().contains("NetworkDevice  {") && !list.out().contains("PuppetLog  {"), list.out());
    }

    @Test
    void aTreeWithoutEventTypesFailsTheCheck(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugins/goto/data/events"));
        Result r = run("check", dir.toString());
        assertEquals(65, r.code(), r.out());
        assertTrue(r.err().contains("holds no event type"), r.err());
    }

    @Test
    void listShowsAChoiceAsAChoice(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Pick.xsd"), HEAD + "<xs:element name='Pick'><xs:complexType><xs:choice>"
                + "<xs:element name='Left' type='xs:string'/><xs:element name='Right' type='xs:string'/></xs:choice>"
                + "</xs:complexType></xs:element>\n</xs:schema>");
        Result list = run("list", dir.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().matches("(?s).*Left +xs:string +one of choice 1.*Right +xs:string +one of choice 1.*"), list.out());
    }
}
