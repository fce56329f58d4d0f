package io.xqbus;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.Test;

import net.sf.saxon.s9api.XQueryEvaluator;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmValue;

import io.xqbus.internal.filter.EffectiveBoolean;
import io.xqbus.internal.filter.FilterIndex;
import io.xqbus.internal.filter.FilterShape;
import io.xqbus.internal.filter.Sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The filter index against plain evaluation, on random events × random filters: the index must never leave
 * out a filter that matches, and a filter it decides alone ("exact") must match exactly when plain evaluation
 * does, with the same result. Negations, or, empty(), count(), if and unions must be treated as able to match
 * every type (brief §4).
 */
class FilterIndexPropertyTest {

    static final String NS = "urn:prop";
    static final String P = "declare namespace f='" + NS + "'; ";
    static final String[] VALUES = {"x", "y", "z", "", "x y"};
    static final int TYPES = 6;

    static String type(Random r) {
        return "T" + r.nextInt(TYPES);
    }

    static String value(Random r) {
        return VALUES[r.nextInt(VALUES.length)];
    }

    static String q(String v) {
        return "'" + v + "'";
    }

    /** A random filter from templates covering indexed, exact, type-only and untyped forms. */
    static String filter(Random r) {
        String t = type(r);
        String u = type(r);
        String c = "ABC".charAt(r.nextInt(3)) + "";
        String d = "ABC".charAt(r.nextInt(3)) + "";
        String v = q(value(r));
        String w = q(value(r));
        return switch (r.nextInt(22)) {
            case 0 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "]";
            case 1 -> P + "./f:Event/f:" + t + "[f:" + c + " = " + v + "]";
            case 2 -> P + "let $e := ./f:Event return $e/f:" + t + "[f:" + c + " = " + v + "]";
            case 3 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + " and f:" + d + " = " + w + "]";
            case 4 -> P + "/f:Event/f:" + t + "[@k = " + v + "]";
            case 5 -> P + "/f:Event/f:" + t + "[" + v + " = f:" + c + "]";
            case 6 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "]/f:" + d + "/string()";
            case 7 -> P + "/f:Event/f:" + t + "/f:" + c + " = " + v;
            case 8 -> P + "/f:Event/f:" + t + "[not(f:" + c + " = " + v + ")]";
            case 9 -> P + "not(/f:Event/f:" + t + ")";
            case 10 -> P + "empty(/f:Event/f:" + t + "[f:" + c + " = " + v + "])";
            case 11 -> P + "count(/f:Event/f:" + t + ") = 0";
            case 12 -> P + "/f:Event/f:" + t + " or /f:Event/f:" + u;
            case 13 -> P + "if (/f:Event/f:" + t + ") then false() else true()";
            case 14 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "] | /f:Event/f:" + u;
            case 15 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + " or f:" + d + " = " + w + "]";
            case 16 -> P + "/f:Event/*[f:" + c + " = " + v + "]";
            case 17 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "][f:" + d + " = " + w + "]";
            case 18 -> P + "/f:Event/f:" + t + "[f:" + c + " != " + v + "]";
            case 19 -> P + "/f:Event/f:" + t + "[1][f:" + c + " = " + v + "]";
            case 20 -> P + "(: a comment :) /f:Event/f:" + t + "[f:" + c + " = " + v + "]";
            default -> P + "declare variable $type external; $type = '" + t + "'";
        };
    }

    /** A random event: a payload of a random type with random children (some repeated) and attributes. */
    static String event(Random r) {
        StringBuilder b = new StringBuilder("<Event xmlns='" + NS + "'><" + type(r));
        if (r.nextBoolean()) {
            b.append(" k='").append(value(r)).append("'");
        }
        if (r.nextInt(4) == 0) {
            b.append(" xmlns:o='urn:other' o:k='").append(value(r)).append("'");   // same local name, another namespace
        }
        b.append('>');
        int children = r.nextInt(5);
        for (int i = 0; i < children; i++) {
            String c = "ABC".charAt(r.nextInt(3)) + "";
            String open = r.nextInt(6) == 0 ? "o:" + c + " xmlns:o='urn:other'" : c;   // sometimes not the filter's namespace
            b.append('<').append(open).append('>').append(value(r)).append("</").append(open, 0, open.indexOf(' ') < 0 ? open.length() : open.indexOf(' ')).append('>');
        }
        String t = b.substring(b.indexOf("<T") + 1, b.indexOf("<T") + 3);
        return b.append("</").append(t).append("></Event>").toString();
    }

    @Test
    void theIndexAgreesWithPlainEvaluationOnEveryPair() throws Exception {
        Random r = new Random(20261123);
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            filters.add(Filter.compile("f" + i, filter(r)));
        }
        FilterIndex index = new FilterIndex(filters.stream().map(Filter::shape).toList());
        // exact filters hold no compiled query until asked (the index decides them); then compiled again, and kept
        XQueryEvaluator[] evaluators = filters.stream().map(f -> f.executable().load()).toArray(XQueryEvaluator[]::new);
        filters.forEach(f -> assertSame(f.executable(), f.executable(), f.text()));
        int pairs = 0;
        int matches = 0;
        int skipped = 0;
        for (int e = 0; e < 500; e++) {
            String xml = event(r);
            XdmNode doc = Sandbox.processor().newDocumentBuilder().build(new StreamSource(new StringReader(xml)));
            Event event = new Event("id" + e, null, NS, "src", "prod", (long) e, null, null, doc);
            XdmNode payload = event.payload();
            String type = payload.getNodeName().getLocalName();
            int[] candidates = index.candidates(payload);
            for (int i = 0; i < filters.size(); i++) {
                pairs++;
                XQueryEvaluator ev = evaluators[i];
                ev.setContextItem(doc);
                if (filters.get(i).declaredVariables().contains("type")) {
                    ev.setExternalVariable(Filter.variable("type"), new net.sf.saxon.s9api.XdmAtomicValue(type));
                }
                XdmValue result;
                boolean match;
                try {
                    result = ev.evaluate();
                    match = EffectiveBoolean.of(result);
                } catch (net.sf.saxon.s9api.SaxonApiException | net.sf.saxon.trans.XPathException err) {
                    result = null;
                    match = false;   // a filter error is no match, as in the bus
                }
                boolean candidate = Arrays.binarySearch(candidates, i) >= 0;
                if (match) {
                    matches++;
                    if (!candidate) {
                        fail("the index left out a matching filter: " + filters.get(i).text() + "\n on " + xml);
                    }
                } else if (!candidate) {
                    skipped++;
                }
                if (candidate && index.exact(i)) {
                    assertTrue(match, "an exact filter matched by the index must match: " + filters.get(i).text() + "\n on " + xml);
                    assertEquals(result.toString(), payload.toString(), "an exact filter's result is the payload");
                }
            }
        }
        assertTrue(matches > 1000, "the random cases must produce matches: " + matches);
        assertTrue(skipped > pairs / 2, "the index must skip most non-matching pairs: " + skipped + " of " + pairs);
    }

    @Test
    void shapesOfTheLineageForms() {
        FilterShape s = FilterShape.analyze("declare namespace f='http://www.gonicus.de/Events'; let $e := ./f:Event return $e/f:PhoneStatus");
        assertNotNull(s);
        assertEquals("PhoneStatus", s.type());
        FilterShape busy = FilterShape.analyze("declare namespace f = \"http://www.gonicus.de/Events\";\n/f:Event/f:PhoneStatus[f:Status = 'busy']");
        assertNotNull(busy);
        assertTrue(busy.exact());
        assertEquals("{http://www.gonicus.de/Events}Status", busy.eqKey());
        assertNull(FilterShape.analyze("declare namespace f='x'; not(/f:Event/f:T)"));
        assertNull(FilterShape.analyze("declare namespace f='x'; /f:Event/f:T or true()"));
        assertNull(FilterShape.analyze("declare namespace f='x'; /f:Event/f:T[f:A = 'a&amp;b']").eqKey(),
                "entity references in literals: not indexed by value (the type still holds)");
    }

    @Test
    void aTreeOfAnotherSaxonConfigurationIsRefused() throws Exception {
        // its name numbers belong to another name pool: looked up here they would name other elements
        FilterIndex index = new FilterIndex(List.of(Filter.compile("t", P + "/f:Event/f:T1[f:A = 'x']").shape()));
        XdmNode foreign = new net.sf.saxon.s9api.Processor(false).newDocumentBuilder()
                .build(new StreamSource(new StringReader("<Event xmlns='" + NS + "'><T1><A>x</A></T1></Event>")));
        XdmNode payload = new Event("f", null, NS, null, null, null, null, null, foreign).payload();
        assertThrows(IllegalArgumentException.class, () -> index.candidates(payload));
    }
}
