package io.xqbus;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One input path for events given as text or bytes (#22 items 12 and 13): every public route refuses what
 * {@link PreparedEvent#prepare(byte[], String, SchemaSet, Limits)} refuses, and sends nothing.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class PublishInputTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final String F = "declare namespace f='" + NS + "'; ";
    static final String PAYLOAD = "<Event xmlns='" + NS + "'><PhoneStatus><CallerId>%s</CallerId>"
            + "<ReceiverId>1</ReceiverId><Status>busy</Status></PhoneStatus></Event>";

    static XqBus bus;

    @BeforeAll
    static void connect(URI broker) throws Exception {
        bus = XqBus.connect(BusOptions.builder().broker(broker).build());
    }

    @AfterAll
    static void close() {
        bus.close();
    }

    /** A UTF-8 byte order mark before a declaration that says ISO-8859-1: the encoding is ambiguous. */
    static byte[] ambiguous(String caller) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.writeBytes(("<?xml version='1.0' encoding='ISO-8859-1'?>" + PAYLOAD.formatted(caller)).getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    static String xml11(String caller) {
        return "<?xml version='1.1'?>" + PAYLOAD.formatted(caller + "&#x1B;[2J");
    }

    /** Runs each route, expects it refused, then proves nothing of it reached a subscriber. */
    private static void refusedEverywhere(String caller, String expected, List<Executable> routes) throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, '" + caller + "')]", inbox)) {
            for (Executable route : routes) {
                InvalidEventException e = assertThrows(InvalidEventException.class, route);
                assertTrue(e.getMessage().contains(expected), e.getMessage());
            }
            Receipt marker = bus.publish(PAYLOAD.formatted(caller + "-marker"));
            assertEquals(marker.id(), inbox.next().event().id(), "a refused event was sent");
        }
    }

    @Test
    void aByteOrderMarkThatContradictsTheDeclarationIsRefusedByEveryByteRoute(@TempDir Path dir) throws Exception {
        byte[] body = ambiguous("bom");
        Path file = Files.write(dir.resolve("bom.xml"), body);
        refusedEverywhere("bom", "encoding is ambiguous", List.of(
                () -> PreparedEvent.prepare(body, "bytes", bus.schemas(), Limits.DEFAULT),
                () -> bus.publish(body, "bytes"),
                () -> bus.publish(file),
                () -> bus.publishAsync(body, "bytes"),
                () -> bus.schemas().validate(body, "bytes")));
    }

    @Test
    void anXml11EventIsRefusedByEveryRouteSayingEventsAreXml10(@TempDir Path dir) throws Exception {
        String text = xml11("v11");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("v11.xml"), bytes);
        refusedEverywhere("v11", "events are XML 1.0", List.of(
                () -> PreparedEvent.prepare(text, "text", bus.schemas(), Limits.DEFAULT),
                () -> PreparedEvent.prepare(bytes, "bytes", bus.schemas(), Limits.DEFAULT),
                () -> bus.publish(text),
                () -> bus.publish(bytes, "bytes"),
                () -> bus.publish(file),
                () -> bus.publishAsync(bytes, "bytes"),
                () -> bus.schemas().validate(text, "text")));
        // without a control character too: the decision is about the version, not the content
        String plain = "<?xml version=\"1.1\" encoding=\"UTF-8\"?>" + PAYLOAD.formatted("v11-plain");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> bus.publish(plain));
        assertEquals(1, e.location().line());
    }

    @Test
    void xml10WithAndWithoutADeclarationStillPasses() throws Exception {
        Inbox inbox = new Inbox();
        try (Subscription s = bus.subscribe(F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'v10')]", inbox)) {
            bus.publish("<?xml version='1.0'?>" + PAYLOAD.formatted("v10-a"));
            bus.publish(PAYLOAD.formatted("v10-b").getBytes(StandardCharsets.UTF_8), "bytes");
            assertEquals("v10-a", inbox.next().event().value("CallerId"));
            assertEquals("v10-b", inbox.next().event().value("CallerId"));
        }
    }
}
