package io.xqbus;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running bus picks up schema changes without a restart and refuses broken ones (brief §5). */
@ExtendWith(EmbeddedBrokerExtension.class)
class SchemaWatchTest {

    static String xsd(String element, String child) {
        return "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns='urn:live' targetNamespace='urn:live' "
                + "elementFormDefault='qualified'>\n<xs:element name='" + element + "'><xs:complexType><xs:sequence>"
                + "<xs:element name='" + child + "' type='xs:string'/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>\n";
    }

    @Test
    void aNewXsdTakesEffectWithoutARestartAndABrokenOneIsRefused(URI broker, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("First.xsd"), xsd("First", "A"));
        LinkedBlockingQueue<SchemaException> refused = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<SchemaSet> changed = new LinkedBlockingQueue<>();
        BusListener listener = new BusListener() {
            @Override
            public void schemasChanged(SchemaSet schemas) {
                changed.add(schemas);
            }

            @Override
            public void schemasRefused(SchemaException problems) {
                refused.add(problems);
            }
        };
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).watchSchemas("+" + dir).listener(listener).build())) {
            Inbox inbox = new Inbox();
            Inbox announcements = new Inbox();
            bus.subscribe("declare namespace l='urn:live'; /l:Event/l:Second", inbox);
            bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:SchemaChanged/f:Added/f:File/string()", announcements);
            assertThrows(UnknownEventTypeException.class, () -> bus.publish("<Second xmlns='urn:live'><B>1</B></Second>"));

            Files.writeString(dir.resolve("Second.xsd"), xsd("Second", "B"));
            assertNotNull(changed.poll(Inbox.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the new XSD was not picked up");
            assertEquals("Second.xsd", announcements.next().result().itemAt(0).getStringValue(), "the change is announced on the bus");
            bus.publish("<Second xmlns='urn:live'><B>1</B></Second>");
            assertEquals("1", inbox.next().event().value("B"));
            assertTrue(bus.schemas().eventTypes().stream().anyMatch(t -> t.name().equals("PhoneStatus")), "+DIR keeps the predefined set");

            Files.writeString(dir.resolve("Second.xsd"), xsd("Second", "B").replace("</xs:sequence>", "<xs:sequence>"));
            SchemaException e = refused.poll(Inbox.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(e, "the broken XSD was not reported");
            assertTrue(e.location().source().endsWith("Second.xsd"), e.getMessage());
            assertTrue(e.location().line() > 0, e.getMessage());
            bus.publish("<Second xmlns='urn:live'><B>2</B></Second>");
            assertEquals("2", inbox.next().event().value("B"), "the last good set stays in force");
            assertThrows(InvalidEventException.class, () -> bus.publish("<Second xmlns='urn:live'><C>1</C></Second>"));

            Files.delete(dir.resolve("Second.xsd"));
            Inbox.await("the removed type to disappear", () -> bus.schemas().eventTypes().stream().noneMatch(t -> t.name().equals("Second")));
            assertThrows(UnknownEventTypeException.class, () -> bus.publish("<Second xmlns='urn:live'><B>3</B></Second>"));
        }
    }
}
