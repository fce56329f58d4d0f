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
    static final String[] SOURCES = {"pbx1", "pbx2", "x"};

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
        String s = q(SOURCES[r.nextInt(SOURCES.length)]);
        return switch (r.nextInt(50)) {
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
            // #24: the same conditions spelt every other way users write them, and the new kinds of condition
            case 22 -> P + "/f:Event/*/f:" + c + " = " + v;
            case 23 -> P + "//f:" + c + " = " + v;
            case 24 -> P + "let $x := ./f:Event return $x/*[f:" + c + " = " + v + "]";
            case 25 -> P + "declare variable $type external; $type = '" + t + "' and /f:Event/*/f:" + c + " = " + v;
            case 26 -> P + "declare variable $type external; $type = ('" + t + "', '" + u + "')";
            case 27 -> P + "let $e := ./f:Event return $e/f:" + t + " or $e/f:" + u;
            case 28 -> P + "/f:Event/f:" + t + "[f:" + c + "/f:" + d + " = " + v + "]";
            case 29 -> P + "/f:Event/f:" + t + "[starts-with(f:" + c + ", " + v + ")]";
            case 30 -> P + "/f:Event/f:" + t + "[f:" + c + " > " + v + "]";
            case 31 -> P + "declare variable $source external; $source = " + s;
            case 32 -> P + "/*/@source = " + s;
            case 33 -> P + "/f:Event/f:" + t + "[f:" + c + " eq " + v + "]";
            case 34 -> P + "declare default element namespace '" + NS + "'; /Event/" + t + "[" + c + " = " + v + "]";
            case 35 -> P + "/f:Event/f:" + t + "/f:" + c + " = (" + v + ", " + w + ")";
            case 36 -> P + "/f:Event/*[@k = " + v + "]";
            case 37 -> P + "//f:" + d + "[starts-with(., " + v + ")]";
            case 38 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "] or //f:" + d + " = " + w;
            case 39 -> P + "declare variable $source external; $source = " + s + " and /f:Event/f:" + t + "[@k = " + v + "]";
            case 40 -> P + "/f:Event/f:" + t + "[contains(f:" + c + ", " + v + ")]";
            case 41 -> P + "/f:Event/f:" + t + "[f:" + c + " = " + v + "]/f:" + d + "/string()";
            case 42 -> P + "exists(/f:Event/f:" + t + "/@k)";
            case 43 -> P + "/f:Event/*/f:" + c + " = " + v + " or /f:Event/*/f:" + d + " = " + w;
            case 44 -> P + "declare variable $type external; /*/@source = " + s + " and $type = '" + t + "'";
            case 46 -> P + "/f:Event/*/f:" + c + " = " + v + " and /f:Event/*/f:" + d + " = " + w;   // two keys: evaluated
            case 47 -> P + "exists(/f:Event/f:" + t + ") and exists(/f:Event/f:" + u + ")";
            case 48 -> P + "declare variable $type external; $type = '" + t + "' or exists(/f:Event/f:" + u + ")";   // namespaces differ per way
            case 45 -> P + "declare variable $type external; $type = ('" + t + "', '" + u + "') and //f:" + c + " = " + v;
            default -> P + "declare variable $type external; $type = '" + t + "'";
        };
    }

    /** A random event: a payload of a random type with random children (some repeated) and attributes. */
    static String event(Random r) {
        // now and then a whole event in another namespace: local names match the filters', namespaces do not
        StringBuilder b = new StringBuilder("<Event xmlns='" + (r.nextInt(8) == 0 ? "urn:other" : NS) + "'");
        if (r.nextInt(4) != 0) {
            b.append(" source='").append(SOURCES[r.nextInt(SOURCES.length)]).append("'");
        }
        b.append("><" + type(r));
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
            String content = value(r);
            if (r.nextInt(4) == 0) {   // a nested element: deeper paths and descendants
                String n = "ABC".charAt(r.nextInt(3)) + "";
                content = "<" + n + ">" + value(r) + "</" + n + ">";
            }
            b.append('<').append(open).append('>').append(content).append("</").append(open, 0, open.indexOf(' ') < 0 ? open.length() : open.indexOf(' ')).append('>');
        }
        int at = b.indexOf("><T") + 1;
        String t = b.substring(at + 1, at + 3);
        return b.append("</").append(t).append("></Event>").toString();
    }

    @Test
    void theIndexAgreesWithPlainEvaluationOnEveryPair() throws Exception {
        Random r = new Random(20261123);
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            filters.add(Filter.compile("f" + i, filter(r)));
        }
        FilterIndex index = new FilterIndex(filters.stream().map(Filter::shape).toList());
        // exact filters hold no compiled query until asked (the index decides them); then compiled again, and kept
        XQueryEvaluator[] evaluators = filters.stream().map(f -> f.executable().load()).toArray(XQueryEvaluator[]::new);
        filters.forEach(f -> assertSame(f.executable(), f.executable(), f.text()));
        int pairs = 0;
        int matches = 0;
        int skipped = 0;
        int exact = 0;
        for (int e = 0; e < 500; e++) {
            String xml = event(r);
            XdmNode doc = Sandbox.processor().newDocumentBuilder().build(new StreamSource(new StringReader(xml)));
            String source = doc.children().iterator().next().getAttributeValue(new net.sf.saxon.s9api.QName("source"));
            Event event = new Event("id" + e, null, NS, source, "prod", (long) e, null, null, doc);
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
                if (filters.get(i).declaredVariables().contains("source")) {   // bound as the bus binds it: the envelope's
                    ev.setExternalVariable(Filter.variable("source"), source == null ? net.sf.saxon.s9api.XdmEmptySequence.getInstance()
                            : new net.sf.saxon.s9api.XdmAtomicValue(source));
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
                    XdmValue decided = index.decide(i, payload);
                    assertEquals(match, decided != null, "an exact filter found by the index matches exactly when evaluation does: "
                            + filters.get(i).text() + "\n on " + xml);
                    if (match) {
                        assertEquals(result.toString(), decided.toString(), "an exact filter's result is the query's: " + filters.get(i).text());
                    }
                    exact++;
                }
            }
        }
        assertTrue(matches > 1000, "the random cases must produce matches: " + matches);
        assertTrue(exact > 1000, "the random cases must include exact decisions: " + exact);
        assertTrue(skipped > pairs / 2, "the index must skip most non-matching pairs: " + skipped + " of " + pairs);
    }

    static FilterShape shape(String query) throws FilterCompileException {
        return Filter.compile("shape", query).shape();
    }

    @Test
    void shapesOfTheLineageForms() throws Exception {
        String gonicus = "declare namespace f='http://www.gonicus.de/Events'; ";
        FilterShape s = shape(gonicus + "let $e := ./f:Event return $e/f:PhoneStatus");
        assertNotNull(s);
        assertEquals(java.util.Set.of("PhoneStatus"), s.types());
        FilterShape busy = shape("declare namespace f = \"http://www.gonicus.de/Events\";\n/f:Event/f:PhoneStatus[f:Status = 'busy']");
        assertNotNull(busy);
        assertTrue(busy.exact());
        assertEquals(new FilterShape.Key(FilterShape.Kind.CHILD, "http://www.gonicus.de/Events", "Status", "busy", false),
                busy.alternatives().get(0).key());
        assertNull(shape("declare namespace f='x'; not(/f:Event/f:T)"));
        assertNull(shape("declare namespace f='x'; /f:Event/f:T or true()"));
        assertEquals("a&b", shape("declare namespace f='x'; /f:Event/f:T[f:A = 'a&amp;b']").alternatives().get(0).key().value(),
                "the compiled literal: the entity is already resolved");
        // the lineage's type alternatives: one of two types, no key
        assertEquals(java.util.Set.of("ClientAnnounce", "ClientLeave"),
                shape(gonicus + "let $e := ./f:Event return $e/f:ClientAnnounce or $e/f:ClientLeave").types());
    }

    /** #24 item 1: every spelling of one condition comes out as the same shape, from the compiled tree. */
    @Test
    void spellingsOfOneConditionHaveOneShape() throws Exception {
        FilterShape.Key callerId = new FilterShape.Key(FilterShape.Kind.CHILD, NS, "CallerId", "v", false);
        for (String q : List.of(
                P + "/f:Event/*/f:CallerId = 'v'",
                P + "./f:Event/*/f:CallerId = 'v'",
                P + "'v' = /f:Event/*/f:CallerId",
                P + "let $x := ./f:Event return $x/*[f:CallerId = 'v']",
                P + "(: any type :) /f:Event/*[f:CallerId eq 'v']",
                "declare namespace g='" + NS + "'; /g:Event/*/g:CallerId = \"v\"",
                "declare default element namespace '" + NS + "'; /Event/*[CallerId = 'v']")) {
            FilterShape s = shape(q);
            assertNotNull(s, q);
            assertEquals(List.of(new FilterShape.Alternative(null, null, callerId)), s.alternatives(), q);
        }
        assertEquals(List.of(new FilterShape.Alternative("T", null, callerId)),
                shape(P + "declare variable $type external; $type = 'T' and /f:Event/*/f:CallerId = 'v'").alternatives());
        assertEquals(FilterShape.Kind.DESCENDANT, shape(P + "//f:CallerId = 'v'").alternatives().get(0).key().kind());
        assertEquals(new FilterShape.Key(FilterShape.Kind.ENVELOPE, "", "source", "pbx1", false),
                shape(P + "declare variable $source external; $source = 'pbx1'").alternatives().get(0).key());
        assertEquals(shape(P + "declare variable $source external; $source = 'pbx1'").alternatives(),
                shape(P + "/*/@source = 'pbx1'").alternatives());
        assertTrue(shape(P + "/f:Event/f:T[starts-with(f:C, 'ab')]").alternatives().get(0).key().prefix());
        assertEquals(new FilterShape.Alternative("Load", NS, new FilterShape.Key(FilterShape.Kind.CHILD, NS, "Value", null, false)),
                shape(P + "/f:Event/f:Load[f:Value > 0.9]").alternatives().get(0), "an ordering: the type and the element's presence");
        assertEquals(java.util.Set.of("A", "B"), shape(P + "declare variable $type external; $type = ('A', 'B')").types());
    }

    @Test
    void aTreeOfAnotherSaxonConfigurationIsRefused() throws Exception {
        // its name numbers belong to another name pool: looked up here they would name other elements
        FilterIndex index = new FilterIndex(List.of(shape(P + "/f:Event/f:T1[f:A = 'x']")));
        XdmNode foreign = new net.sf.saxon.s9api.Processor(false).newDocumentBuilder()
                .build(new StreamSource(new StringReader("<Event xmlns='" + NS + "'><T1><A>x</A></T1></Event>")));
        XdmNode payload = new Event("f", null, NS, null, null, null, null, null, foreign).payload();
        assertThrows(IllegalArgumentException.class, () -> index.candidates(payload));
    }
}
