package io.xqbus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schema directories as the lineage's registry merged them (issue #17 items 4 to 6), with the lineage's own
 * trees, copied unchanged (see {@code src/test/resources/lineage/PROVENANCE.md}): gonicus/clacks at
 * da579f0acc4e48cf2e9451417ac6792282cf7ab6 (HEAD; every {@code data/events} directory of the agent, its goto
 * plugin and the amires, freeswitch and libinst.cfg.puppet plugins, at their paths there) and at
 * 48bcb7a38a794c12ec980006922d9c75c6ced207 (2011-09-30; gosa.agent, its goto plugin, amires, libinst.cfg.puppet).
 */
class SchemaDirectoriesTest {

    static final String NS = "http://www.gonicus.de/Events";
    static final Path LINEAGE = Path.of("src/test/resources/lineage");
    static final Path HEAD = LINEAGE.resolve("clacks-head");
    static final Path SEPT_2011 = LINEAGE.resolve("clacks-2011-09");

    /** A copy of a tree without the files whose path contains {@code leaveOut}. */
    static Path copyTree(Path from, Path to, String leaveOut) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".xsd") && (leaveOut == null || !p.toString().contains(leaveOut))).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        return to;
    }

    static List<String> names(SchemaSet s) {
        return s.eventTypes().stream().map(EventType::name).sorted().toList();
    }

    @Test
    void aNestedPluginTreeCompilesAsOneSetWithOneEventPerFile(@TempDir Path dir) throws Exception {
        // freeswitch's PhoneNotification.xsd clashes with amires' AMINotification.xsd (see the duplicate-type test)
        Path tree = copyTree(HEAD, dir.resolve("clacks"), "freeswitch");
        SchemaSet s = SchemaSet.load(tree);
        assertEquals(List.of("AMINotification", "BackendChange", "ClientAnnounce", "ClientLeave", "ClientPing", "ClientPoll",
                "ClientSignature", "Inventory", "NodeAnnounce", "NodeCapabilities", "NodeLeave", "NodeStatus", "Notification",
                "ObjectChanged", "PuppetReport", "SchedulerUpdate", "UserSession"), names(s),
                "one event per file, named like the file; NetworkDevice, ClientMethod, NodeMethod, PuppetLog … are building blocks");
        EventType inv = s.eventTypes().stream().filter(t -> t.name().equals("Inventory")).findFirst().orElseThrow();
        assertTrue(inv.file().endsWith("agent/src/clacks/agent/plugins/goto/data/events/Inventory.xsd"), inv.file());
        // a file in one module uses a type another module's file defines? no such case in HEAD; the goto events compile with the agent's
        assertEquals("ClientAnnounce", s.validate("<Event xmlns='" + NS + "'><ClientAnnounce><Id>c1</Id><Name>host</Name>"
                + "<NetworkInformation><NetworkDevice><Name>eth0</Name><IPAddress>10.0.0.1</IPAddress><IPv6Address>::1</IPv6Address>"
                + "<MAC>00:11:22:33:44:55</MAC><Netmask>255.0.0.0</Netmask><Broadcast>10.255.255.255</Broadcast></NetworkDevice>"
                + "</NetworkInformation></ClientAnnounce></Event>", "announce").name());
    }

    @Test
    void aBuildingBlockIsRefusedAsAnEventNamingTheEventThatUsesIt() throws Exception {
        SchemaSet s = SchemaSet.load(SEPT_2011);
        UnknownEventTypeException e = assertThrows(UnknownEventTypeException.class, () -> s.validate("<Event xmlns='" + NS
                + "'><NetworkDevice><Name>eth0</Name><IPAddress>10.0.0.1</IPAddress><IPv6Address>::1</IPv6Address>"
                + "<MAC>00:11:22:33:44:55</MAC><Netmask>255.0.0.0</Netmask><Broadcast>10.255.255.255</Broadcast></NetworkDevice></Event>",
                "device"));
        assertTrue(e.getMessage().contains("NetworkDevice is not an event type") && e.getMessage().contains("building block")
                && e.getMessage().contains("ClientAnnounce"), e.getMessage());
        assertThrows(UnknownEventTypeException.class, () -> s.namespaceOf("PuppetLog"));
        assertTrue(!names(s).contains("NetworkDevice") && !names(s).contains("PuppetLog") && !names(s).contains("NodeMethod"), names(s).toString());
    }

    @Test
    void filesWithoutAnElementNamedLikeThemKeepEveryGlobalElementAsAnEvent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mixed.xsd"), "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:m'>"
                + "<xs:element name='A'/><xs:element name='B'/></xs:schema>");
        assertEquals(List.of("A", "B"), names(SchemaSet.load(dir)));
    }

    @Test
    void plusDirRedefinesPredefinedEventsWithTheLineagesFiles() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SchemaSet s;
        try {
            s = SchemaSet.fromOption("+" + SEPT_2011);
            SchemaSet.fromOption("+" + SEPT_2011);
        } finally {
            System.setErr(original);
        }
        EventType announce = s.eventTypes().stream().filter(t -> t.name().equals("ClientAnnounce")).findFirst().orElseThrow();
        assertTrue(announce.file().endsWith("gosa.agent/src/gosa/agent/plugins/goto/data/events/ClientAnnounce.xsd"), announce.file());
        assertEquals("predefined:ClientAnnounce.xsd", announce.replaces());
        EventType phone = s.eventTypes().stream().filter(t -> t.name().equals("PhoneStatus")).findFirst().orElseThrow();
        assertNull(phone.replaces(), "the predefined events the directory does not define stay");
        assertTrue(names(s).contains("SchedulerUpdate"), names(s).toString());
        String log = captured.toString(StandardCharsets.UTF_8);
        String line = "the event type ClientAnnounce of predefined:ClientAnnounce.xsd is replaced by " + SEPT_2011.resolve(
                "gosa.agent/src/gosa/agent/plugins/goto/data/events/ClientAnnounce.xsd");
        assertEquals(1, log.split(java.util.regex.Pattern.quote(line), -1).length - 1, "logged once: " + log);
    }

    @Test
    void aTreeWithoutAnyEventTypeIsAnError(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("data/events"));
        SchemaException none = assertThrows(SchemaException.class, () -> SchemaSet.load(dir));
        assertTrue(none.getMessage().contains("no event type") && none.getMessage().contains(dir.toString()), none.getMessage());
        Files.writeString(empty.resolve("Types.xsd"), "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:t'>"
                + "<xs:complexType name='T'/></xs:schema>");
        SchemaException typesOnly = assertThrows(SchemaException.class, () -> SchemaSet.fromOption("+" + dir));
        assertTrue(typesOnly.getMessage().contains("no event type") && typesOnly.getMessage().contains("1 .xsd file"), typesOnly.getMessage());
    }

    @Test
    void aTypeDefinedInTwoFilesNamesBothFiles() {
        SchemaException e = assertThrows(SchemaException.class, () -> SchemaSet.load(HEAD));
        String all = e.problems().toString();
        assertTrue(all.contains("type Time (namespace '" + NS + "') is defined twice: in ")
                && all.contains("plugins/amires/src/amires/data/events/AMINotification.xsd")
                && all.contains("plugins/freeswitch/src/clacks/phone/data/events/PhoneNotification.xsd"), all);
    }

    @Test
    void aWatchedTreeReloadsWhenAFileAppearsInANewSubdirectory(@TempDir Path dir) throws Exception {
        Path goto_ = Files.createDirectories(dir.resolve("goto/data/events"));
        Files.copy(SEPT_2011.resolve("gosa.agent/src/gosa/agent/plugins/goto/data/events/ClientLeave.xsd"), goto_.resolve("ClientLeave.xsd"));
        java.util.concurrent.atomic.AtomicReference<SchemaWatcher.Change> change = new java.util.concurrent.atomic.AtomicReference<>();
        try (SchemaWatcher w = new SchemaWatcher(dir.toString(), change::set, e -> { })) {
            Path puppet = Files.createDirectories(dir.resolve("puppet/data/events"));
            Files.copy(SEPT_2011.resolve("plugins/libinst.cfg.puppet/src/libinst/cfg/puppet/data/events/PuppetReport.xsd"),
                    puppet.resolve("PuppetReport.xsd"));
            Inbox.await("the reload with the new module's event", () -> change.get() != null
                    && names(change.get().schemas()).equals(List.of("ClientLeave", "PuppetReport")));
            assertEquals(List.of("puppet/data/events/PuppetReport.xsd"), change.get().added());
        }
    }

    /** Clacks HEAD's NodeAnnounce.xsd documents its complexType, not its element (as 9 of its 17 files do). */
    @Test
    void theComplexTypesDocumentationIsShownWhenTheElementHasNone(@TempDir Path dir) throws Exception {
        Path tree = copyTree(HEAD, dir.resolve("clacks"), "freeswitch");
        EventType announce = SchemaSet.load(tree).eventTypes().stream().filter(t -> t.name().equals("NodeAnnounce")).findFirst().orElseThrow();
        assertEquals("The NodeAnnounce event is emitted when a node is started and wants to inform possible additional nodes about its "
                + "presence. Existing Nodes will answer this event by firing a NodeCapabilities event in order to inform about their "
                + "presence and capabilities.", announce.documentation());
    }

    /** Clacks HEAD's AMINotification is a choice of QueueMemberStatus or Call: not two required fields. */
    @Test
    void anXsChoiceIsShownAsAChoice(@TempDir Path dir) throws Exception {
        Path tree = copyTree(HEAD, dir.resolve("clacks"), "freeswitch");
        EventType ami = SchemaSet.load(tree).eventTypes().stream().filter(t -> t.name().equals("AMINotification")).findFirst().orElseThrow();
        assertEquals(List.of("QueueMemberStatus:1", "Call:1"), ami.fields().stream().map(f -> f.name() + ":" + f.choice()).toList());
        EventType inv = SchemaSet.load(tree).eventTypes().stream().filter(t -> t.name().equals("Inventory")).findFirst().orElseThrow();
        assertTrue(inv.fields().stream().allMatch(f -> f.choice() == 0), "a sequence has no choice");
    }
}
