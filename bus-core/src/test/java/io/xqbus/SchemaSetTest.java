package io.xqbus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schema directories compiled as one set (brief §5); no broker needed. */
class SchemaSetTest {

    static final String HEAD = "<?xml version='1.0'?>\n<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' "
            + "xmlns='urn:t' targetNamespace='urn:t' elementFormDefault='qualified'>\n";

    @Test
    void predefinedSetKnowsTheLineageEvents() throws Exception {
        SchemaSet s = SchemaSet.predefined();
        EventType phone = s.eventTypes().stream().filter(t -> t.name().equals("PhoneStatus")).findFirst().orElseThrow();
        assertEquals(List.of("CallerId", "ReceiverId", "Status"), phone.fields().stream().map(EventType.Field::name).toList());
        assertTrue(phone.fields().stream().allMatch(f -> f.documentation() != null), "every field is documented");
        assertTrue(s.eventTypes().stream().anyMatch(t -> t.name().equals("PhoneStatus")
                && t.namespace().equals("http://www.gonicus.de/Events") && t.documentation() != null));
        assertEquals("http://www.gonicus.de/Events", s.namespaceOf("PhoneStatus"));
    }

    @Test
    void filesOfOneNamespaceShareTypes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Device.xsd"), HEAD + """
                <xs:complexType name='Device'><xs:sequence><xs:element name='Mac' type='xs:string'/></xs:sequence>
                  <xs:attribute name='kind' type='xs:string'/></xs:complexType>
                <xs:element name='Poll'><xs:complexType/></xs:element>
                </xs:schema>""");
        Files.writeString(dir.resolve("Announce.xsd"), HEAD + """
                <xs:element name='Announce'><xs:complexType><xs:sequence>
                  <xs:element name='Id' type='xs:string'/><xs:element name='Device' type='Device' maxOccurs='unbounded'/>
                </xs:sequence></xs:complexType></xs:element>
                </xs:schema>""");
        SchemaSet s = SchemaSet.load(dir);
        assertEquals(2, s.eventTypes().size());
        EventType announce = s.eventTypes().stream().filter(t -> t.name().equals("Announce")).findFirst().orElseThrow();
        assertEquals(List.of("Id", "Device"), announce.fields().stream().map(EventType.Field::name).toList());
        assertEquals("unbounded", announce.fields().get(1).maxOccurs());
        String xml = EventBuilder.of("urn:t", "Announce").add("Id", "a")
                .add("Device", d -> d.attribute("kind", "nic").add("Mac", "00:11"))
                .set("Device[2].Mac", "22:33").set("Device[2].@kind", "wifi").toXml("urn:t");
        assertEquals("Announce", s.validate(xml, "built").name());
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate(
                EventBuilder.of("urn:t", "Announce").add("Id", "a").set("Device.Mac", "1").set("Device.Ip", "x").toXml("urn:t"), "built"));
        assertEquals("/Event/Announce/Device/Ip", e.location().elementPath());
    }

    @Test
    void theElementPathCountsRepeatedSiblingsOnly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Series.xsd"), HEAD + """
                <xs:element name='Series'><xs:complexType><xs:sequence>
                  <xs:element name='Point' maxOccurs='unbounded'><xs:complexType><xs:sequence>
                    <xs:element name='X' type='xs:int'/><xs:element name='Y' type='xs:int'/>
                  </xs:sequence></xs:complexType></xs:element>
                </xs:sequence></xs:complexType></xs:element>
                </xs:schema>""");
        SchemaSet s = SchemaSet.load(dir);
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate("<Event xmlns='urn:t'><Series>"
                + "<Point><X>1</X><Y>1</Y></Point><Point><X>2</X><Y>2</Y></Point><Point><X>3</X><Y>three</Y></Point>"
                + "</Series></Event>", "series"));
        assertEquals("/Event/Series/Point[3]/Y", e.location().elementPath());
    }

    @Test
    void aBrokenXsdIsReportedWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Good.xsd"), HEAD + "<xs:element name='A' type='xs:string'/>\n</xs:schema>");
        Files.writeString(dir.resolve("Bad.xsd"), HEAD + "<xs:element name='B' type='NoSuchType'/>\n</xs:schema>");
        SchemaException e = assertThrows(SchemaException.class, () -> SchemaSet.load(dir));
        assertTrue(e.location().source().endsWith("Bad.xsd"), e.getMessage());
        assertEquals(3, e.location().line());
        assertTrue(e.location().column() > 0);

        Files.writeString(dir.resolve("Bad.xsd"), HEAD + "<xs:element name='B' type='xs:string'>\n</xs:schema>");
        SchemaException notWellFormed = assertThrows(SchemaException.class, () -> SchemaSet.load(dir));
        assertTrue(notWellFormed.location().source().endsWith("Bad.xsd"), notWellFormed.getMessage());
        assertEquals(4, notWellFormed.location().line());
    }

    @Test
    void anElementDeclaredTwiceNamesBothFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("One.xsd"), HEAD + "<xs:element name='A' type='xs:string'/>\n</xs:schema>");
        Files.writeString(dir.resolve("Two.xsd"), HEAD + "<xs:element name='A' type='xs:int'/>\n</xs:schema>");
        SchemaException e = assertThrows(SchemaException.class, () -> SchemaSet.load(dir));
        assertTrue(e.getMessage().contains("One.xsd") && e.getMessage().contains("Two.xsd"), e.getMessage());
    }

    @Test
    void includesMayNotLeaveTheDirectory(@TempDir Path dir) throws Exception {
        Path inside = Files.createDirectory(dir.resolve("schemas"));
        Files.writeString(dir.resolve("Outside.xsd"), HEAD + "<xs:element name='O' type='xs:string'/>\n</xs:schema>");
        Files.writeString(inside.resolve("In.xsd"), HEAD + "<xs:include schemaLocation='../Outside.xsd'/>\n"
                + "<xs:element name='I' type='xs:string'/>\n</xs:schema>");
        SchemaException e = assertThrows(SchemaException.class, () -> SchemaSet.load(inside));
        assertTrue(e.getMessage().contains("outside the schema set"), e.getMessage());
    }

    @Test
    void importsAcrossNamespacesInsideTheDirectoryWork(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Common.xsd"), "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:c' "
                + "elementFormDefault='qualified'><xs:simpleType name='Code'><xs:restriction base='xs:string'>"
                + "<xs:pattern value='[A-Z]{3}'/></xs:restriction></xs:simpleType></xs:schema>");
        Files.writeString(dir.resolve("Uses.xsd"), "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns:c='urn:c' "
                + "targetNamespace='urn:t' elementFormDefault='qualified'>\n"
                + "<xs:import namespace='urn:c' schemaLocation='Common.xsd'/>\n"
                + "<xs:element name='U'><xs:complexType><xs:sequence><xs:element name='Code' type='c:Code'/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>");
        SchemaSet s = SchemaSet.load(dir);
        assertEquals("U", s.validate("<U xmlns='urn:t'><Code>ABC</Code></U>", "x").name());
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate("<U xmlns='urn:t'><Code>abc</Code></U>", "x"));
        assertEquals("/U/Code", e.location().elementPath(), "the path is the one in the input, a bare payload here");
    }

    @Test
    void aMissingDirectoryIsNamed(@TempDir Path dir) {
        SchemaException e = assertThrows(SchemaException.class, () -> SchemaSet.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void tooDeepIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Deep.xsd"), HEAD + "<xs:element name='Deep'><xs:complexType><xs:sequence>"
                + "<xs:any processContents='skip' minOccurs='0'/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>");
        SchemaSet s = SchemaSet.load(dir);
        assertEquals("Deep", s.validate("<Deep xmlns='urn:t'>" + "<a>".repeat(50) + "</a>".repeat(50) + "</Deep>", "x").name());
        String deep = "<Deep xmlns='urn:t'>" + "<a>".repeat(100) + "</a>".repeat(100) + "</Deep>";
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate(deep, "x"));
        assertTrue(e.problem().contains("deeper"), e.problem());
    }

    @Test
    void envelopeRulesHold() throws Exception {
        SchemaSet s = SchemaSet.predefined();
        String ns = "http://www.gonicus.de/Events";
        String payload = "<PhoneStatus><CallerId>1</CallerId><ReceiverId>2</ReceiverId><Status>b</Status></PhoneStatus>";
        assertEquals("PhoneStatus", s.validate("<Event xmlns='" + ns + "' id='x' seq='3'>" + payload + "</Event>", "ok").name());
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='" + ns + "' colour='red'>" + payload + "</Event>", "x")).problem().contains("colour"));
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='urn:other'><p:PhoneStatus xmlns:p='" + ns + "'/></Event>", "x")).problem().contains("namespace"));
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='" + ns + "'>" + payload + payload + "</Event>", "x")).problem().contains("more than one"));
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='" + ns + "'/>", "x")).problem().contains("no payload"));
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='" + ns + "'>text" + payload + "</Event>", "x")).problem().contains("text"));
        assertTrue(assertThrows(InvalidEventException.class,
                () -> s.validate("<?pi x?><Event xmlns='" + ns + "'>" + payload + "</Event>", "x")).problem().contains("processing instruction"));
    }

    /**
     * An enveloped payload is validated inside the parser, a bare one through a separate validator: both must
     * refuse the same events with the same words, and point at the same element.
     */
    @Test
    void envelopedAndBarePayloadsAreJudgedAlike(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Reading.xsd"), HEAD + """
                <xs:element name='Reading'><xs:complexType><xs:sequence>
                  <xs:element name='Sensor' type='xs:string'/><xs:element name='Value' type='xs:int'/>
                  <xs:element name='Note' type='xs:string' minOccurs='0'/>
                </xs:sequence><xs:attribute name='unit' type='xs:NCName'/></xs:complexType></xs:element>
                </xs:schema>""");
        SchemaSet s = SchemaSet.load(dir);
        String[][] cases = {
            // payload, the element path of the error (null: valid), a word of the problem
            {"<Reading unit='C'><Sensor>s1</Sensor><Value>21</Value></Reading>", null, null},
            {"<Reading><Sensor>s1</Sensor><Colour>red</Colour></Reading>", "/Event/Reading/Colour", "Colour"},
            {"<Reading><Sensor>s1</Sensor></Reading>", "/Event/Reading", "Value"},
            {"<Reading><Sensor>s1</Sensor><Value>warm</Value></Reading>", "/Event/Reading/Value", "warm"},
            {"<Reading unit='two words'><Sensor>s1</Sensor><Value>1</Value></Reading>", "/Event/Reading", "two words"},
            {"<Reading colour='red'><Sensor>s1</Sensor><Value>1</Value></Reading>", "/Event/Reading", "colour"},
            {"<Reading><Sensor>s1</Sensor><Value>1</Value><Note>a</Note><Note>b</Note></Reading>", "/Event/Reading/Note[2]", "Note"},
        };
        for (String[] c : cases) {
            String payload = c[0].replaceFirst("<Reading", "<Reading xmlns='urn:t'");
            String enveloped = "<Event xmlns='urn:t' source='x'>\n" + c[0] + "</Event>";
            if (c[1] == null) {
                assertEquals("Reading", s.validate(enveloped, "e").name());
                assertEquals("Reading", s.validate(payload, "b").name());
                continue;
            }
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate(enveloped, "e"), c[0]);
            InvalidEventException b = assertThrows(InvalidEventException.class, () -> s.validate(payload, "b"), c[0]);
            assertEquals(b.problem(), e.problem(), c[0]);
            assertTrue(e.problem().contains(c[2]), e.problem());
            assertEquals(c[1], e.location().elementPath(), c[0]);
            assertEquals(c[1].substring("/Event".length()), b.location().elementPath(), c[0]);   // a bare payload is the root
            assertEquals(2, e.location().line(), c[0]);
            assertEquals(1, b.location().line(), c[0]);
        }
    }

    /** Brief §2: a schema may declare an Event element of its own; the bus's envelope rules apply, not it. */
    @Test
    void anEventElementDeclaredByASchemaDoesNotJudgeTheEnvelope(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Ping.xsd"), HEAD + """
                <xs:element name='Event'><xs:complexType><xs:sequence><xs:element name='Header' type='xs:string'/>
                </xs:sequence><xs:attribute name='must' use='required'/></xs:complexType></xs:element>
                <xs:element name='Ping'><xs:complexType><xs:sequence><xs:element name='N' type='xs:int'/></xs:sequence></xs:complexType></xs:element>
                </xs:schema>""");
        SchemaSet s = SchemaSet.load(dir);
        assertEquals("Ping", s.validate("<Event xmlns='urn:t' id='1'><Ping><N>1</N></Ping></Event>", "x").name());
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> s.validate("<Event xmlns='urn:t'><Ping><N>one</N></Ping></Event>", "x"));
        assertEquals("/Event/Ping/N", e.location().elementPath());
    }

    /** Schema hints in an event are never followed, whichever route validates it: the set is fixed. */
    @Test
    void schemaLocationHintsInEventsAreIgnored(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectory(dir.resolve("set"));
        Files.writeString(set.resolve("A.xsd"), HEAD + "<xs:element name='A'><xs:complexType><xs:sequence>"
                + "<xs:element name='N' type='xs:int'/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>");
        // a schema that would accept the event below, if the parser loaded it
        Path lure = dir.resolve("Lure.xsd");
        Files.writeString(lure, HEAD + "<xs:element name='A'><xs:complexType><xs:sequence>"
                + "<xs:element name='N' type='xs:string'/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>");
        SchemaSet s = SchemaSet.load(set);
        String hint = " xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xsi:schemaLocation='urn:t " + lure.toUri() + "'";
        for (String doc : new String[] {"<Event xmlns='urn:t'><A" + hint + "><N>x</N></A></Event>",
                                        "<A xmlns='urn:t'" + hint + "><N>x</N></A>"}) {
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> s.validate(doc, "hinted"), doc);
            assertTrue(e.problem().contains("'x'"), e.problem());
        }
    }
}
