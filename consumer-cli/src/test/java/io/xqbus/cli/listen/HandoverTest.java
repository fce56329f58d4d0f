package io.xqbus.cli.listen;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.Xslt30Transformer;

import io.xqbus.BusOptions;
import io.xqbus.EventBuilder;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.cli.listen.ListenEventsTest.Running;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What listenevents hands on (issue #17 item 2): {@code --print result|event|payload}, {@code --envelope
 * keep|strip}, and the same per filter in the configuration file. With the lineage's own files (see
 * {@code src/test/resources/lineage/PROVENANCE.md}): the boolean query Clacks' agent registers
 * (gonicus/clacks da579f0acc4e48cf2e9451417ac6792282cf7ab6, {@code agent/src/clacks/agent/command.py}), and the
 * attribute-less {@code Event} type Clacks generated with {@code common/src/clacks/common/data/events/events.xsl}
 * (same commit) from the event files {@code agent/src/clacks/agent/data/events/Node*.xsd}.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class HandoverTest {

    static final Path CLACKS = Path.of("src/test/resources/lineage/clacks-head");
    /** agent/src/clacks/agent/command.py at da579f0a, as registered (the lineage's boolean form). */
    static final String NODE_QUERY = """
            declare namespace f='http://www.gonicus.de/Events';
            let $e := ./f:Event
            return $e/f:NodeAnnounce
                or $e/f:NodeLeave
                or $e/f:NodeCapabilities
                or $e/f:NodeStatus
            """;

    static XqBus producer;
    static String broker;
    static Schema clacksEvent;

    @BeforeAll
    static void connect(URI uri) throws Exception {
        broker = uri.toString();
        producer = XqBus.connect(BusOptions.builder().broker(uri).source("handover-test").build());
        clacksEvent = clacksEventSchema();
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    /** The envelope schema as Clacks' registry built it: events.xsl over the list of event files. */
    static Schema clacksEventSchema() throws Exception {
        StringBuilder list = new StringBuilder("<events>");
        for (String name : List.of("NodeAnnounce", "NodeLeave", "NodeCapabilities", "NodeStatus")) {
            list.append("<path name='").append(name).append("'>")
                    .append(CLACKS.resolve("agent/src/clacks/agent/data/events/" + name + ".xsd").toAbsolutePath().toUri()).append("</path>");
        }
        list.append("</events>");
        Processor p = new Processor(false);
        Xslt30Transformer t = p.newXsltCompiler().compile(new StreamSource(
                CLACKS.resolve("common/src/clacks/common/data/events/events.xsl").toFile())).load30();
        StringWriter xsd = new StringWriter();
        t.transform(new StreamSource(new StringReader(list.toString())), p.newSerializer(xsd));
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        return f.newSchema(new StreamSource(new StringReader(xsd.toString()), CLACKS.toAbsolutePath().toUri().toString()));
    }

    static void validateAsClacks(String event) throws Exception {
        clacksEvent.newValidator().validate(new StreamSource(new StringReader(event)));
    }

    static void announce(String id) throws Exception {
        producer.publish(EventBuilder.of("NodeAnnounce").add("Id", id));
    }

    static void leave(String id) throws Exception {
        producer.publish(EventBuilder.of("NodeLeave").add("Id", id));
    }

    static List<String> lines(Running r) {
        return List.of(r.out.toString().split("\n"));
    }

    @Test
    void byDefaultTheBooleanQueryPrintsTrue() throws Exception {
        Running r = new Running("--broker", broker, "--count", "1", "--timeout", "30s", "--query", NODE_QUERY).awaitListening();
        announce("default-1");
        assertEquals(0, r.exitCode(), r.err.toString());
        assertEquals(List.of("true"), lines(r), "--print result stays the default");
    }

    @Test
    void printEventHandsTheWholeEventOnOneLine() throws Exception {
        Running r = new Running("--broker", broker, "--count", "2", "--timeout", "30s", "--print", "event", "--query", NODE_QUERY)
                .awaitListening();
        announce("whole-1");
        leave("whole-1");
        assertEquals(0, r.exitCode(), r.err.toString());
        List<String> lines = lines(r);
        assertEquals(2, lines.size(), r.out.toString());
        assertTrue(lines.get(0).matches("<Event xmlns=\"http://www.gonicus.de/Events\" id=\"[^\"]+\" source=\"handover-test\".*"
                + "><NodeAnnounce><Id>whole-1</Id></NodeAnnounce></Event>"), lines.get(0));
        assertTrue(lines.get(1).endsWith("><NodeLeave><Id>whole-1</Id></NodeLeave></Event>"), lines.get(1));
        // kept, the bus's envelope attributes are what a lineage consumer that validates refuses
        SAXException refused = assertThrows(SAXException.class, () -> validateAsClacks(lines.get(0)));
        assertTrue(refused.getMessage().contains("id"), refused.getMessage());
    }

    @Test
    void envelopeStripValidatesAgainstTheLineagesAttributeLessEvent() throws Exception {
        Running r = new Running("--broker", broker, "--count", "2", "--timeout", "30s", "--print", "event", "--envelope", "strip",
                "--query", NODE_QUERY).awaitListening();
        announce("strip-1");
        leave("strip-1");
        assertEquals(0, r.exitCode(), r.err.toString());
        List<String> lines = lines(r);
        assertEquals(List.of("<Event xmlns=\"http://www.gonicus.de/Events\"><NodeAnnounce><Id>strip-1</Id></NodeAnnounce></Event>",
                "<Event xmlns=\"http://www.gonicus.de/Events\"><NodeLeave><Id>strip-1</Id></NodeLeave></Event>"), lines);
        for (String line : lines) {
            validateAsClacks(line);
        }
    }

    @Test
    void printPayloadAndNdjsonGainTheirField() throws Exception {
        Running r = new Running("--broker", broker, "--count", "1", "--timeout", "30s", "--print", "payload", "--query", NODE_QUERY)
                .awaitListening();
        announce("payload-1");
        assertEquals(0, r.exitCode(), r.err.toString());
        assertEquals(List.of("<NodeAnnounce xmlns=\"http://www.gonicus.de/Events\"><Id>payload-1</Id></NodeAnnounce>"), lines(r));

        Running j = new Running("--broker", broker, "--count", "1", "--timeout", "30s", "--format", "ndjson", "--print", "event",
                "--envelope", "strip", "--query", NODE_QUERY).awaitListening();
        announce("json-1");
        assertEquals(0, j.exitCode(), j.err.toString());
        String line = j.out.toString().trim();
        assertTrue(line.contains("\"source\":\"handover-test\""), "the envelope fields stay in their own fields: " + line);
        assertTrue(line.contains("\"result\":\"true\""), line);
        assertTrue(line.endsWith(",\"event\":\"<Event xmlns=\\\"http://www.gonicus.de/Events\\\"><NodeAnnounce><Id>json-1</Id></NodeAnnounce></Event>\"}"),
                line);
    }

    @Test
    void perFilterKeysInTheConfigurationFileAndExecStdinStripped(@TempDir Path dir) throws Exception {
        Path stdin = dir.resolve("stdin.xml");
        Path config = Files.writeString(dir.resolve("clacks.conf"), """
                [filter nodes]
                query = %s
                print = event
                envelope = strip

                [filter callback]
                query = %s
                envelope = strip
                action = exec cat > '%s'

                [filter plain]
                query = %s
                """.formatted(NODE_QUERY.strip().replace("\n", "\n  "), NODE_QUERY.strip().replace("\n", "\n  "), stdin,
                NODE_QUERY.strip().replace("\n", "\n  ")));
        Running r = new Running("--broker", broker, "--count", "3", "--timeout", "30s", "--config", config.toString()).awaitListening();
        announce("config-1");
        assertEquals(0, r.exitCode(), r.err.toString());
        List<String> lines = lines(r);
        assertTrue(lines.contains("<Event xmlns=\"http://www.gonicus.de/Events\"><NodeAnnounce><Id>config-1</Id></NodeAnnounce></Event>"),
                r.out.toString());
        assertTrue(lines.contains("true"), "the filter without keys prints the result: " + r.out);
        String handed = Files.readString(stdin);
        assertTrue(handed.contains("<Id>config-1</Id>") && !handed.contains(" id="), handed);
        validateAsClacks(handed);
    }

    @Test
    void aBadPrintOrEnvelopeValueIsAConfigurationErrorWithItsLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("bad.conf"), "[filter a]\nquery = .\nprint = everything\n");
        Running r = new Running("--broker", broker, "--config", config.toString());
        assertEquals(78, r.exitCode(), r.err.toString());
        assertTrue(r.err.toString().contains("bad.conf:3: bad print 'everything'"), r.err.toString());
        Running u = new Running("--broker", broker, "--envelope", "drop", "--query", ".");
        assertEquals(2, u.exitCode(), u.err.toString());
        assertTrue(u.err.toString().contains("--envelope"), u.err.toString());
    }
}
