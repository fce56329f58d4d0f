package io.xqbus;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The predefined events' XSDs: real types, closed enumerations, documentation everywhere (LINEAGE.md). */
class PredefinedSchemasTest {

    static final String NS = " xmlns='http://www.gonicus.de/Events'";

    @Test
    void theLineageEventsAndTheBusesOwnAreDeclaredAndDocumented() throws Exception {
        List<String> names = SchemaSet.predefined().eventTypes().stream().map(EventType::name).toList();
        for (String n : List.of("NodeAnnounce", "NodeLeave", "NodeStatus", "NodeCapabilities", "ClientAnnounce", "ClientLeave",
                "ClientPoll", "UserSession", "PuppetReport", "AsteriskNotification", "CollectD", "PhoneStatus",
                "ConsumerStarted", "ConsumerStopped", "SchemaChanged")) {
            assertTrue(names.contains(n), n + " missing from " + names);
        }
        for (EventType t : SchemaSet.predefined().eventTypes()) {
            assertTrue(t.documentation() != null && !t.documentation().isBlank(), t.name() + " is undocumented");
            for (EventType.Field f : t.fields()) {
                assertTrue(f.documentation() != null && !f.documentation().isBlank(), t.name() + "/" + f.name() + " is undocumented");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<NodeCapabilities" + NS + "><Id>n</Id><NodeMethod><Name>a</Name><Path>p</Path><Target>t</Target><Signature>s</Signature>"
                    + "<Type>CUMULATIVE</Type><QueueRequired>false</QueueRequired><Documentation>d</Documentation></NodeMethod></NodeCapabilities>",
            "<PuppetReport" + NS + "><Id>c</Id><PuppetLog><Timestamp>1</Timestamp><Level>error</Level><Message>m</Message></PuppetLog></PuppetReport>",
            "<AsteriskNotification" + NS + "><Type>Missed</Type><Identity>a</Identity><From>+4930123</From><To>+4940987</To><Timestamp>1</Timestamp></AsteriskNotification>",
            "<AsteriskNotification" + NS + "><Type>CallEnded</Type><Identity>a</Identity><From>030123456</From><To>+4940987</To><Timestamp>1</Timestamp></AsteriskNotification>",
            "<AsteriskNotification" + NS + "><Type>CallEnded</Type><Identity>a</Identity><From>+4930123</From><To>+4940987</To><Timestamp>-1</Timestamp></AsteriskNotification>",
            "<NodeStatus" + NS + "><Workers>many</Workers><Load>0.5</Load><Id>n</Id><Latency>1</Latency></NodeStatus>",
            "<CollectD" + NS + "><Host>h</Host><Plugin>p</Plugin><Type>t</Type><Time>1</Time><Interval>10</Interval><Values>1 U</Values></CollectD>",
            "<ClientPoll" + NS + "><Id>x</Id></ClientPoll>",
    })
    void closedValuesAndRealTypesAreEnforced(String payload) throws Exception {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> SchemaSet.predefined().validate(payload, "sample"));
        assertTrue(e.location().elementPath() != null, e.getMessage());
    }

    @Test
    void clientAnnounceUsesTheNetworkDeviceTypeThatClientPollsFileDefines() throws Exception {
        String ok = "<ClientAnnounce" + NS + "><Id>c</Id><Name>n</Name><NetworkInformation><NetworkDevice><Name>eth0</Name>"
                + "<IPAddress>1.2.3.4</IPAddress><IPv6Address/><MAC>00:11</MAC><Netmask>255.0.0.0</Netmask><Broadcast>1.255.255.255</Broadcast>"
                + "</NetworkDevice></NetworkInformation></ClientAnnounce>";
        assertEquals("ClientAnnounce", SchemaSet.predefined().validate(ok, "sample").name());
    }
}
