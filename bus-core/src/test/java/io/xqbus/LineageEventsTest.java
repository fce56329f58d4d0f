package io.xqbus;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.Serializer;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.Xslt30Transformer;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lineage's own events over the embedded broker (issue #17). The files come unchanged from the lineage's
 * repositories, see {@code src/test/resources/lineage/PROVENANCE.md}:
 * <ul>
 * <li>{@code Inventory.xsd}: gonicus/clacks da579f0acc4e48cf2e9451417ac6792282cf7ab6,
 * {@code agent/src/clacks/agent/plugins/goto/data/events/Inventory.xsd};</li>
 * <li>{@code fusionToClacks.xsl} (Clacks HEAD's only Inventory producer): gonicus/clacks da579f0a…,
 * {@code dbus/src/clacks/dbus/plugins/inventory/data/fusionToClacks.xsl}, applied to the FusionInventory
 * report gonicus/gosa d396a35cc9094ee8066311bd3b1d5df83c40ccc8
 * {@code dbus/src/tests/dbus/plugins/inventory/fusion_example.xml}, the placeholders filled as Clacks'
 * {@code dbus/…/inventory/main.py} and the client's checksum step fill them;</li>
 * <li>GOsa 3's Inventory fixture: gonicus/gosa d396a35c…, {@code client/src/tests/client/plugins/inventory/test_main.py}
 * (the string the mocked dbus method returns), copied below.</li>
 * </ul>
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class LineageEventsTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final Path LINEAGE = Path.of("src/test/resources/lineage");
    static final Path CLACKS_HEAD = LINEAGE.resolve("clacks-head");
    /** Clacks' inventory consumer query, agent/src/clacks/agent/plugins/inventory/consumer.py at da579f0a. */
    static final String INVENTORY_QUERY = """
            declare namespace f='http://www.gonicus.de/Events';
            let $e := ./f:Event
            return $e/f:Inventory
            """;

    /** gonicus/gosa d396a35c, client/src/tests/client/plugins/inventory/test_main.py: %s is the schema location. */
    static final String GOSA_FIXTURE = "<Event xmlns=\"http://www.gonicus.de/Events\" "
            + "xmlns:e=\"http://www.gonicus.de/Events\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            + "xsi:schemaLocation=\"http://www.gonicus.de/Events %s\">"
            + "<Inventory>"
            + "<Checksum>1234567890</Checksum>"
            + "<DeviceID>localhost.example.net-2016-08-05-11-14-44</DeviceID>"
            + "<QueryType>INVENTORY</QueryType>"
            + "<ClientVersion>FusionInventory-Agent_v2.3.16</ClientVersion>"
            + "<ClientUUID>fake_client_uuid</ClientUUID>"
            + "<HardwareUUID>fake_hardware_uuid</HardwareUUID>"
            + "<Hostname>localhost</Hostname>"
            + "</Inventory>"
            + "</Event>";

    static XqBus bus;
    static HttpServer lure;
    static final List<String> lureRequests = new CopyOnWriteArrayList<>();
    static Path trap;

    @BeforeAll
    static void connect(URI broker, @TempDir Path tmp) throws Exception {
        Path schemas = Files.createDirectory(tmp.resolve("schemas"));
        Files.copy(CLACKS_HEAD.resolve("agent/src/clacks/agent/plugins/goto/data/events/Inventory.xsd"), schemas.resolve("Inventory.xsd"));
        bus = XqBus.connect(BusOptions.builder().broker(broker).source("lineage").schemas(SchemaSet.load(schemas)).build());
        // a location hint that is followed leaves a trace: the HTTP server records each request, and the file is
        // a schema under which every Inventory the lineage sends is invalid (it requires an element none has)
        lure = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lure.createContext("/", exchange -> {
            lureRequests.add(exchange.getRequestURI().toString());
            byte[] body = trapSchema().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        lure.start();
        trap = tmp.resolve("trap/Inventory.xsd");
        Files.createDirectories(trap.getParent());
        Files.writeString(trap, trapSchema());
    }

    static String trapSchema() {
        return "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='" + NS + "' elementFormDefault='qualified'>"
                + "<xs:element name='Inventory'><xs:complexType><xs:sequence><xs:element name='Trap'/></xs:sequence></xs:complexType></xs:element>"
                + "<xs:element name='Event'><xs:complexType><xs:sequence><xs:element name='Trap'/></xs:sequence></xs:complexType></xs:element>"
                + "</xs:schema>";
    }

    @AfterAll
    static void close() {
        if (bus != null) {
            bus.close();
        }
        if (lure != null) {
            lure.stop(0);
        }
    }

    static String httpLure(String name) {
        return "http://127.0.0.1:" + lure.getAddress().getPort() + "/" + name + ".xsd";
    }

    /** Clacks HEAD's dbus inventory output: fusionToClacks.xsl over a real FusionInventory report. */
    static String clacksInventory() throws Exception {
        Processor p = new Processor(false);
        Xslt30Transformer t = p.newXsltCompiler().compile(new StreamSource(
                CLACKS_HEAD.resolve("dbus/src/clacks/dbus/plugins/inventory/data/fusionToClacks.xsl").toFile())).load30();
        StringWriter out = new StringWriter();
        Serializer s = p.newSerializer(out);
        t.transform(new StreamSource(LINEAGE.resolve("gosa/dbus/src/tests/dbus/plugins/inventory/fusion_example.xml").toFile()), s);
        // what clacks.dbus main.py (CUUID, HWUUID) and the client's checksum step put in the placeholders
        return out.toString().replace("%%CHECKSUM%%", "3a5e0c2f").replace("%%CUUID%%", "2daf7cbf-75c2-4ea3-bfec-606fe9f07051")
                .replace("%%HWUUID%%", "q2Yk1wV3cJw3xk0g1t1hJ0GkKxg=");
    }

    @Test
    void clacksHeadInventoryWithItsSchemaLocationPublishesAndReachesTheInventoryConsumer() throws Exception {
        String event = clacksInventory();
        assertTrue(event.contains("xsi:schemaLocation=\"http://www.gonicus.de/Events ../../../../../../../agent/src/clacks/agent/plugins/goto/data/events/Inventory.xsd \""),
                "the transform's output carries the hint as Clacks sent it");
        // as sent, and with the relative hint replaced by one that leaves a trace when followed
        String lured = event.replace("../../../../../../../agent/src/clacks/agent/plugins/goto/data/events/Inventory.xsd", httpLure("clacks"));
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(INVENTORY_QUERY, inbox)) {
            for (String doc : List.of(event, lured)) {
                Receipt r = bus.publish(doc, "fusionToClacks.xsl output");
                Match m = inbox.next();
                assertEquals(r.id(), m.event().id());
                XdmNode inventory = (XdmNode) m.result().itemAt(0);
                assertEquals("Inventory", inventory.getNodeName().getLocalName());
                assertEquals("ubuntu", m.event().value("Hostname"));
            }
        }
        assertEquals(List.of(), lureRequests, "the location hint was followed");
    }

    @Test
    void gosaInventoryFixtureWithAFileLocationPublishesAndReachesTheInventoryConsumer() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(INVENTORY_QUERY, inbox)) {
            for (String location : List.of(trap.toUri().toString(), trap.toString(), httpLure("gosa"))) {
                Receipt r = bus.publish(String.format(GOSA_FIXTURE, location), "GOsa test_main.py");
                Match m = inbox.next();
                assertEquals(r.id(), m.event().id());
                assertEquals("localhost", m.event().value("Hostname"));
            }
        }
        assertEquals(List.of(), lureRequests, "the location hint was followed");
    }

    /** Both hints, on the envelope and on the payload, in both forms; none is followed, none travels on Event. */
    @Test
    void bothLocationHintsAreAcceptedOnEventAndPayloadAndNeverFollowed() throws Exception {
        String xsi = " xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'";
        String body = "<Checksum>1</Checksum><DeviceID>d</DeviceID><QueryType>INVENTORY</QueryType><ClientVersion>v</ClientVersion>"
                + "<ClientUUID>c</ClientUUID><HardwareUUID>h</HardwareUUID><Hostname>hinted</Hostname>";
        String[] hints = {
            " xsi:schemaLocation='" + NS + " " + trap.toUri() + "'",
            " xsi:schemaLocation='" + NS + " " + httpLure("event") + "'",
            " xsi:noNamespaceSchemaLocation='" + trap.toUri() + "'",
            " xsi:noNamespaceSchemaLocation='" + httpLure("nons") + "'",
        };
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(INVENTORY_QUERY, inbox)) {
            for (String onEvent : hints) {
                for (String onPayload : hints) {
                    String doc = "<Event xmlns='" + NS + "'" + xsi + onEvent + "><Inventory" + onPayload + ">" + body + "</Inventory></Event>";
                    Receipt r = bus.publish(doc, "hinted");
                    Match m = inbox.next();
                    assertEquals(r.id(), m.event().id(), doc);
                    String xml = m.event().xml();
                    String envelopeTag = xml.substring(0, xml.indexOf("Inventory"));
                    assertFalse(envelopeTag.contains("Location="),
                            "the envelope's hint does not travel (the bus writes its own envelope): " + xml);
                    assertTrue(m.event().payload().toString().contains("chemaLocation="),
                            "the payload's hint travels with the payload: " + m.event().payload());
                }
            }
        }
        assertEquals(List.of(), lureRequests, "a location hint was followed");
    }

    @Test
    void aValidatingSchemaSetNeverFollowsTheHintsEither() throws Exception {
        for (String location : List.of(trap.toUri().toString(), httpLure("validate"))) {
            EventType t = bus.schemas().validate(String.format(GOSA_FIXTURE, location), "fixture");
            assertEquals("Inventory", t.name());
        }
        assertEquals(List.of(), lureRequests, "the location hint was followed");
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
