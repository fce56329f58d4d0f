package io.xqbus.cli.send;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.xqbus.BusOptions;
import io.xqbus.Match;
import io.xqbus.XqBus;
import io.xqbus.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendevent over amqps:// to an embedded broker with a certificate made by keytool for this test. */
class TlsTest {

    @TempDir
    static Path dir;
    static Path trustStore;
    static Path otherTrustStore;
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        Path keyStore = dir.resolve("broker.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-file", dir.resolve("broker.crt").toString());
        trustStore = dir.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.crt").toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", "trustpw");
        // a trust store holding some other certificate: the broker's is not trusted
        Path other = dir.resolve("other.p12");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", other.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "other", "-keystore", other.toString(), "-storepass", "changeit",
                "-file", dir.resolve("other.crt").toString());
        otherTrustStore = dir.resolve("other-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "other", "-file", dir.resolve("other.crt").toString(),
                "-keystore", otherTrustStore.toString(), "-storetype", "PKCS12", "-storepass", "trustpw");
        broker = EmbeddedBroker.builder().tls(keyStore, "changeit").build().start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static void keytool(String... args) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new java.util.ArrayList<>(List.of(keytool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + output);
    }

    static SendEventTest.Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SendEvent.run(args, env, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new SendEventTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void theRoundTripWorksOverTls() throws Exception {
        assertTrue(broker.uri().toString().startsWith("amqps://"));
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        String uri = broker.uri() + "?transport.trustStoreLocation=" + trustStore + "&transport.trustStorePassword=trustpw";
        try (XqBus bus = XqBus.connect(BusOptions.builder().broker(uri).build())) {
            bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus", got::add);
            SendEventTest.Result r = run(Map.of("TRUST_PW", "trustpw"), "--broker", broker.uri().toString(),
                    "--trust-store", trustStore.toString(), "--trust-store-password-env", "TRUST_PW",
                    "--type", "PhoneStatus", "CallerId=tls", "ReceiverId=2", "Status=busy");
            assertEquals(0, r.code(), r.err());
            Match m = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals("tls", m.event().value("CallerId"));
        }
    }

    @Test
    void anUntrustedCertificateIs69WithAClearMessage() {
        SendEventTest.Result r = run(Map.of("TRUST_PW", "trustpw"), "--broker", broker.uri().toString(),
                "--trust-store", otherTrustStore.toString(), "--trust-store-password-env", "TRUST_PW",
                "--type", "PhoneStatus", "CallerId=tls", "ReceiverId=2", "Status=busy");
        assertEquals(69, r.code(), r.err());
        assertTrue(r.err().contains("TLS handshake") && r.err().contains("trust"), r.err());
        assertTrue(!r.err().contains("trustpw"), "no password in messages: " + r.err());
    }

    @Test
    void aTrustStorePasswordWithAnAmpersandWorksAndNeverShows() throws Exception {
        String marker = "pw&Marker7q=x;y";
        Path store = dir.resolve("amp-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.crt").toString(),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", marker);
        String[] event = {"--type", "PhoneStatus", "CallerId=amp", "ReceiverId=2", "Status=busy"};
        SendEventTest.Result ok = run(Map.of("TRUST_PW", marker), concat(new String[] {"--verbose", "--broker", broker.uri().toString(),
                "--trust-store", store.toString(), "--trust-store-password-env", "TRUST_PW"}, event));
        assertEquals(0, ok.code(), ok.err());
        assertNoPart(marker, ok.out() + ok.err());
        // a wrong password: a configuration error naming the store, and still no part of either password
        SendEventTest.Result wrong = run(Map.of("TRUST_PW", "Wrong&Marker9"), concat(new String[] {"--verbose", "--broker", broker.uri().toString(),
                "--trust-store", store.toString(), "--trust-store-password-env", "TRUST_PW"}, event));
        assertEquals(78, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains(store.toString()) && wrong.err().contains("password"), wrong.err());
        assertNoPart("Wrong&Marker9", wrong.out() + wrong.err());
        // an untrusted certificate, with the trace: no password in it either
        SendEventTest.Result untrusted = run(Map.of("TRUST_PW", "trustpw"), concat(new String[] {"--verbose", "--broker", broker.uri().toString(),
                "--trust-store", otherTrustStore.toString(), "--trust-store-password-env", "TRUST_PW"}, event));
        assertEquals(69, untrusted.code(), untrusted.err());
        assertNoPart("trustpw", untrusted.out() + untrusted.err());
    }

    @Test
    void theApiTakesATrustStoreWithoutAUri() throws Exception {
        LinkedBlockingQueue<Match> got = new LinkedBlockingQueue<>();
        BusOptions options = BusOptions.builder().broker(broker.uri()).trustStore(trustStore, "trustpw".toCharArray()).build();
        assertTrue(!options.toString().contains("trustpw"), options.toString());
        try (XqBus bus = XqBus.connect(options)) {
            bus.subscribe("declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus", got::add);
            bus.publish(io.xqbus.EventBuilder.of("PhoneStatus").set("CallerId", "api-tls").set("ReceiverId", "2").set("Status", "busy"));
            Match m = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(m);
            assertEquals("api-tls", m.event().value("CallerId"));
        }
    }

    /** Neither the secret nor any part of it that follows a separator a URI or a log could split it at. */
    static void assertNoPart(String secret, String output) {
        for (String part : secret.split("[&=;]")) {
            if (part.length() >= 4) {
                assertTrue(!output.contains(part), "'" + part + "' of the secret shows: " + output);
            }
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
