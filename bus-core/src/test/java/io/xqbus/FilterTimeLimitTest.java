package io.xqbus;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.xqbus.broker.EmbeddedBrokerExtension;
import io.xqbus.internal.filter.FilterAnalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23 item 7: what runs inline is decided from the tree Saxon compiled, as an allow-list. The four
 * reported bypasses of the time limit run guarded and are stopped on a real subscription while a plain filter
 * beside them still matches; the ordinary filters (README, the lineage's own queries, the index's templates)
 * stay inline.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class FilterTimeLimitTest {

    static final String F = "declare namespace f='http://www.gonicus.de/Events'; ";

    /** A stylesheet whose named template calls itself in tail position: Saxon loops without using stack. */
    static final String ENDLESS_XSL = "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"3.0\">"
            + "<xsl:template name=\"xsl:initial-template\"><xsl:call-template name=\"loop\"/></xsl:template>"
            + "<xsl:template name=\"loop\"><xsl:param name=\"n\" select=\"0\"/>"
            + "<xsl:call-template name=\"loop\"><xsl:with-param name=\"n\" select=\"$n + 1\"/></xsl:call-template>"
            + "</xsl:template></xsl:stylesheet>";

    /**
     * The bypasses: name, query, what the analysis must name. Each uses nothing else the old deny-list caught;
     * the quantifier and the map operator iterate over literals small enough to be inline on their own.
     */
    static Stream<Arguments> bypasses() {
        return Stream.of(
                Arguments.of("transform", "transform(map{'stylesheet-text': '" + ENDLESS_XSL + "'})", "fn:transform#1"),
                Arguments.of("some", "some $a in (1 to 60), $b in (1 to 60), $c in (1 to 60), $d in (1 to 60), $e in (1 to 60)"
                        + " satisfies $a + $b + $c + $d + $e = count(/*) - 1000", "some"),
                Arguments.of("simple-map", "let $n := count(/*) return exists(((1 to 60) ! (1 to 60) ! (1 to 60) ! (1 to 60)"
                        + " ! (1 to 60) ! (. + $n))[. = 0])", "forEach"),
                Arguments.of("folded-range", "count((1 to 2000000000)[. mod 2 = 3]) > 0", "a literal sequence of 2000000000 items"));
    }

    /** The lineage's real queries (gonicus/clacks, gonicus/gosa) and README's examples: all must run inline. */
    static final List<String> ORDINARY = List.of(
            ".",
            F + "/f:Event/f:PhoneStatus[f:Status = 'busy']",
            "declare variable $type external; $type = \"NodeAnnounce\"",
            "declare variable $type external; $type = 'NodeAnnounce'",
            F + "/f:Event/f:NodeStatus[f:Load > 0.9]",
            F + "let $e := ./f:Event return $e/f:Inventory",
            F + "let $e := ./f:Event return $e/f:ClientPoll",
            F + "let $e := ./f:Event return $e/f:AsteriskNotification",
            F + "let $e := ./f:Event return $e/f:BackendChange",
            F + "let $e := ./f:Event return $e/f:NodeAnnounce or $e/f:NodeLeave or $e/f:NodeCapabilities or $e/f:NodeStatus",
            F + "let $e := ./f:Event/f:PhoneNotification return $e/f:Call",
            F + "let $e := ./f:Event/f:AMINotification return $e/f:Call",
            F + "let $e := ./f:Event return $e/f:PhoneStatus[f:CallerId = 'lineage']",
            F + "/f:Event/f:PhoneStatus[f:Status = 'busy' and @x][1]",
            F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'aaaa')]",
            F + "/f:Event/f:PhoneStatus[f:Status = ('busy', 'idle')]",
            F + "/f:Event/f:PhoneStatus[lower-case(f:Status) = 'busy']",
            F + "/f:Event/f:NodeStatus[xs:decimal(f:Load) > 0.9 and f:Workers >= 2]",
            F + "/f:Event/f:ClientAnnounce[f:NetworkInformation/f:NetworkDevice/f:IPAddress = '10.0.0.1']",
            F + "/f:Event/f:UserSession[f:User/f:Name = 'bob']",
            F + "/f:Event/f:PuppetReport/f:PuppetLog[f:Level = ('err', 'alert', 'emerg', 'crit')]",
            F + "/f:Event/f:AsteriskNotification[f:Type = 'IncomingCall' and contains(f:To, '+4930')]",
            F + "/f:Event/f:CollectD[f:Host = 'a' and f:Plugin = 'cpu']/f:Values/string()",
            F + "string-length(/f:Event/f:PhoneStatus/f:CallerId) > 3",
            F + "//f:Status = 'busy'",
            F + "count(//f:PuppetLog[f:Level = 'err']) > 2",
            F + "declare variable $source external; /f:Event/f:NodeStatus[f:Load > 0.9] and $source = 'agent-1'",
            F + "declare variable $source external; /f:Event/f:NodeStatus/f:Id = $source",
            F + "declare variable $seq as xs:integer? external; $seq > 10 and exists(/f:Event/f:NodeStatus)",
            "declare variable $producer as xs:string? external; declare variable $id external; $producer = 'p' or $id = ('a', 'b')");

    @Test
    void ordinaryFiltersRunInline() throws Exception {
        List<String> corpus = new ArrayList<>(ORDINARY);
        Random r = new Random(23_7);
        for (int i = 0; i < 400; i++) {
            corpus.add(FilterIndexPropertyTest.filter(r));   // every template of the index's property test
        }
        List<String> guarded = new ArrayList<>();
        for (String q : corpus) {
            Filter f = Filter.compile("ordinary", q);
            if (f.guarded()) {
                guarded.add(q + "  <- " + FilterAnalysis.guardReason(f.executable()));
            }
        }
        assertEquals(List.of(), guarded, "ordinary filters must stay on the fast path");
    }

    @Test
    void shapesWhoseCostGrowsFasterThanTheEventAreGuarded() throws Exception {
        List<String> costly = List.of(
                "//a = //b",                                   // each against each
                "let $x := //a return //b[. = $x]",            // a sequence re-read for every node
                "//a[../b = 'x']",                             // siblings re-read for every sibling
                "//a[following-sibling::b = 'x']",
                "//a[.//b = 'x']",                             // descendants of descendants
                "//a[/*/b = .]",                                // a whole path for every node
                "contains(/, '" + "a".repeat(300) + "b')",     // a long needle in a long haystack
                "let $n := count(/*) return (1 to 60) ! (1 to 60) ! $n",
                "declare variable $seq external := (1 to 100000000); count($seq) > 0",
                "load-xquery-module('urn:x')",
                "tokenize(string(/), ',')",
                "<e>{/}</e>");
        for (String q : costly) {
            Filter f = Filter.compile("costly", q);
            assertTrue(f.guarded(), q);
            assertNotNull(FilterAnalysis.guardReason(f.executable()), q);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bypasses")
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBypassRunsGuardedAndIsStoppedWhileAPlainFilterStillMatches(String name, String query, String named, URI broker) throws Exception {
        Filter bypass = Filter.compile(name, query);
        assertTrue(bypass.guarded(), name + " must run under the time limit");
        String reason = FilterAnalysis.guardReason(bypass.executable());
        assertTrue(reason.contains(named), name + ": " + reason);
        Filter plain = Filter.compile("plain", F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'plain')]");
        assertFalse(plain.guarded(), "the plain filter runs inline");

        List<String> stopped = new CopyOnWriteArrayList<>();
        BusListener listener = new BusListener() {
            @Override
            public void filterFailed(String filter, String eventId, String errorCode, String message) {
                stopped.add(filter + " " + eventId + " " + errorCode);
            }
        };
        Limits limits = Limits.DEFAULT.withFilterTime(Duration.ofMillis(200));
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).limits(limits).listener(listener).build())) {
            Inbox inbox = new Inbox();
            try (Subscription s = bus.subscribe(List.of(bypass, plain), inbox)) {   // the bypass is evaluated first
                Receipt sent = bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "plain-" + name)
                        .add("ReceiverId", "1").add("Status", "busy"));
                Match m = inbox.next();
                assertEquals("plain", m.filter());
                assertEquals(sent.id(), m.event().id(), "the plain filter matched the very event the bypass overran on");
                Inbox.await("the overrun of " + name + " counted", () -> s.overruns() == 1 && s.filterErrors() == 1);
                assertEquals(List.of(name + " " + sent.id() + " XQBUS0001"), stopped, "stopped at the limit and reported");
                assertEquals(0, s.matched(name));
                assertTrue(inbox.isEmpty());
            }
        }
    }

    @Test
    void aStylesheetRunByTransformIsSandboxedLikeTheQuery(URI broker) throws Exception {
        String reads = "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"3.0\">"
                + "<xsl:template name=\"xsl:initial-template\"><o><xsl:value-of select=\"unparsed-text(''file:///etc/passwd'')\"/>"
                + "<xsl:copy-of select=\"doc(''file:///etc/passwd'')\"/></o></xsl:template></xsl:stylesheet>";
        List<Filter> filters = List.of(Filter.compile("xslt-reads", "transform(map{'stylesheet-text': '" + reads + "'})?output"),
                Filter.compile("sentinel", F + "/f:Event/f:PhoneStatus[starts-with(f:CallerId, 'xslt')]"));
        assertTrue(filters.get(0).guarded());
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(broker).build())) {
            Inbox inbox = new Inbox();
            try (Subscription s = bus.subscribe(filters, inbox)) {
                bus.publish(EventBuilder.of("PhoneStatus").add("CallerId", "xslt").add("ReceiverId", "1").add("Status", "busy"));
                assertEquals("sentinel", inbox.next().filter(), "the stylesheet read nothing, so its filter matched nothing");
                Inbox.await("the refused read counted", () -> s.filterErrors() == 1);
                assertEquals(0, s.matched("xslt-reads"));
            }
        }
    }
}
