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

    @Test
    void aProfileAndTheEnvironmentResolveLikeTheCommands(URI broker, @TempDir Path dir) throws Exception {
        Path store = Files.writeString(dir.resolve("not-a-store.p12"), "not a key store");
        Path config = Files.writeString(dir.resolve("xqbus.properties"), """
                source = plain
                profile.tls.broker = %s
                profile.tls.trust-store = %s
                profile.tls.trust-store-password-env = TLS_PW
                """.formatted(broker, store));
        Map<String, String> env = Map.of("XQBUS_CONFIG", config.toString(), "TLS_PW", "Secret&Marker42");
        BusOptions tls = BusOptions.fromProfile("tls", env).build();
        assertEquals(store, tls.trustStore(), "the profile's trust store is honoured");
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> XqBus.connect(tls));
        assertTrue(refused.getMessage().contains(store.toString()), refused.getMessage());
        assertTrue(!refused.getMessage().contains("Marker42") && !tls.toString().contains("Marker42"), refused.getMessage());
        // the environment: XQBUS_PROFILE selects, a variable overrides the file, plain keys are the defaults
        Map<String, String> selected = Map.of("XQBUS_CONFIG", config.toString(), "TLS_PW", "x", "XQBUS_PROFILE", "tls",
                "XQBUS_PREFIX", "from.env");
        BusOptions fromEnv = BusOptions.fromEnvironment(selected).build();
        assertEquals(broker.toString(), fromEnv.broker());
        assertEquals(store, fromEnv.trustStore());
        assertEquals("from.env", fromEnv.prefix());
        assertEquals("plain", fromEnv.source());
        ConfigurationException unset = assertThrows(ConfigurationException.class,
                () -> BusOptions.fromEnvironment(Map.of("XQBUS_CONFIG", config.toString(), "XQBUS_PROFILE", "tls")));
        assertTrue(unset.getMessage().contains("TLS_PW"), unset.getMessage());
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> BusOptions.fromEnvironment(Map.of("XQBUS_TRUST_STORE", dir.resolve("nowhere.p12").toString())));
        assertTrue(missing.getMessage().contains("nowhere.p12"), missing.getMessage());
    }
}
