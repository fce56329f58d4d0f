package io.xqbus;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.broker.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named connection profiles from the configuration file, selected from the API. */
@ExtendWith(EmbeddedBrokerExtension.class)
class ProfileTest {

    @Test
    void aProfileDescribesAConnection(URI broker, @TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("xqbus.properties"), """
                # defaults, then two profiles
                prefix = xqbus.events
                profile.local.broker = %s
                profile.local.source = billing
                profile.local.user = alice
                profile.local.password-env = BILLING_PW
                profile.prod.broker = failover:(amqps://mq1:5671,amqps://mq2:5671)
                """.formatted(broker));
        Map<String, String> env = Map.of("XQBUS_CONFIG", config.toString(), "BILLING_PW", "s3cret");
        BusOptions local = BusOptions.fromProfile("local", env).build();
        assertEquals(broker.toString(), local.broker());
        assertEquals("billing", local.source());
        assertEquals("alice", local.user());
        assertEquals("s3cret", local.password());
        assertTrue(local.toString().contains("password=***") && !local.toString().contains("s3cret"));
        assertEquals("failover:(amqps://mq1:5671,amqps://mq2:5671)", BusOptions.fromProfile("prod", env).build().broker());
        XqBusException unknown = assertThrows(XqBusException.class, () -> BusOptions.fromProfile("test", env));
        assertTrue(unknown.getMessage().contains("no profile 'test'"), unknown.getMessage());
        XqBusException unset = assertThrows(XqBusException.class, () -> BusOptions.fromProfile("local", Map.of("XQBUS_CONFIG", config.toString())));
        assertTrue(unset.getMessage().contains("BILLING_PW"), unset.getMessage());
    }
}
