package io.xqbus.internal.xml;

import java.io.FilterReader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

import io.xqbus.InvalidEventException;
import io.xqbus.Limits;
import io.xqbus.internal.schema.CompiledSchemaSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The glance at the root that picks the validating reader, and the same verdicts whichever route validates. */
class EventParserTest {

    @Test
    void theGlanceFindsTheRootElement() {
        assertEquals(EventParser.RootGuess.EVENT, guess("<Event xmlns='urn:t'><A/></Event>"));
        assertEquals(EventParser.RootGuess.EVENT, guess("<?xml version='1.0' encoding='UTF-8'?>\n<!-- a comment -->\n"
                + "<f:Event xmlns:f='urn:t'><f:A/></f:Event>"));
        assertEquals(EventParser.RootGuess.EVENT, guess("\uFEFF<Event/>"));
        assertEquals(EventParser.RootGuess.PAYLOAD, guess("<A xmlns='urn:t'/>"));
        assertEquals(EventParser.RootGuess.PAYLOAD, guess("  <f:Events xmlns:f='urn:t'/>"));
        assertEquals(EventParser.RootGuess.UNKNOWN, guess("<!DOCTYPE x><x/>"));
        assertEquals(EventParser.RootGuess.UNKNOWN, guess("not xml"));
        assertEquals(EventParser.RootGuess.UNKNOWN, guess(""));
        assertEquals(EventParser.RootGuess.UNKNOWN, guess("<!-- " + "x".repeat(600) + " --><Event/>"));   // beyond the glance

        byte[] utf8Bom = "\uFEFF<Event/>".getBytes(StandardCharsets.UTF_8);
        assertEquals(EventParser.RootGuess.EVENT, EventParser.RootGuess.of(SecureXml.bytes(utf8Bom, null)));
        byte[] utf16 = "<Event/>".getBytes(StandardCharsets.UTF_16);
        assertEquals(EventParser.RootGuess.UNKNOWN, EventParser.RootGuess.of(SecureXml.bytes(utf16, null)));
        // a stream that cannot be reset is not read at all
        assertEquals(EventParser.RootGuess.UNKNOWN, EventParser.RootGuess.of(new InputSource(unmarkable("<Event/>"))));
    }

    @Test
    void everyRouteGivesTheSameVerdict() throws Exception {
        PayloadSchema schema = CompiledSchemaSet.compile(List.of(new CompiledSchemaSet.SchemaFile("T.xsd", URI.create("mem:/T.xsd"), """
                <xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns='urn:t' targetNamespace='urn:t' elementFormDefault='qualified'>
                  <xs:element name='A'><xs:complexType><xs:sequence><xs:element name='N' type='xs:int'/></xs:sequence></xs:complexType></xs:element>
                </xs:schema>""".getBytes(StandardCharsets.UTF_8))));
        String[] documents = {
            "<Event xmlns='urn:t'><A><N>1</N></A></Event>",
            "<A xmlns='urn:t'><N>1</N></A>",
            "<Event xmlns='urn:t'><A><N>one</N></A></Event>",
            "<A xmlns='urn:t'><N>one</N></A>",
            "<Event xmlns='urn:t'><A><M/></A></Event>",
            "<A xmlns='urn:t'></A>",
        };
        for (String d : documents) {
            // the glance picks a validating reader; an unmarkable stream goes through the ValidatorHandler
            String guessed = verdict(new InputSource(new StringReader(d)), schema);
            String unguessed = verdict(new InputSource(unmarkable(d)), schema);
            assertEquals(unguessed, guessed, d);
        }
        assertNull(verdict(new InputSource(new StringReader(documents[0])), schema));
        assertEquals("/Event/A/N: the payload breaks its XSD: cvc-datatype-valid.1.2.1: 'one' is not a valid value for 'integer'.",
                verdict(new InputSource(new StringReader(documents[2])), schema));
    }

    private static EventParser.RootGuess guess(String text) {
        return EventParser.RootGuess.of(SecureXml.text(text, null));
    }

    private static String verdict(InputSource input, PayloadSchema schema) {
        try {
            EventParser.parse(input, "t", Limits.DEFAULT, schema, null, null);
            return null;
        } catch (InvalidEventException e) {
            return e.location().elementPath() + ": " + e.problem();
        }
    }

    private static FilterReader unmarkable(String text) {
        return new FilterReader(new StringReader(text)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
