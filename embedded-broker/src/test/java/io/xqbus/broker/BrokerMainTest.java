package io.xqbus.broker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code xqbus-broker} command as bin/xqbus-broker runs it (BrokerMain's main in a JVM of its own):
 * it names its URI only once the acceptor is bound, and otherwise exits with one line saying why (#22 item 1).
 */
class BrokerMainTest {

    static final long DEADLINE_S = 60;

    @TempDir
    static Path dir;

    record Run(int code, String out, String err) {
    }

    /** Runs the command to its end (it must end by itself: a failure to start). */
    static Run run(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        if (!p.waitFor(DEADLINE_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("xqbus-broker kept running: it must exit when it cannot listen");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static Process start(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return pb.start();
    }

    static void assertOneLineWithoutTrace(Run r) {
        assertEquals("", r.out(), "nothing on stdout: no URI when not listening");
        assertFalse(r.err().contains("listening on"), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        long lines = r.err().lines().filter(l -> l.startsWith("xqbus-broker: ")).count();
        assertEquals(1, lines, r.err());
    }

    @Test
    void aTakenPortIsExit69() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = run(Map.of(), "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(69, r.code(), r.err());
            assertOneLineWithoutTrace(r);
            assertTrue(r.err().contains("port " + taken.getLocalPort()) && r.err().contains("in use"), r.err());
        }
    }

    @Test
    void aWrongKeyStorePasswordOrAMissingKeyStoreIsExit78() throws Exception {
        Path keyStore = dir.resolve("broker.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process k = new ProcessBuilder(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(k.waitFor(DEADLINE_S, TimeUnit.SECONDS) && k.exitValue() == 0, "keytool failed: " + output);

        Run wrong = run(Map.of("TLS_PW", "Wr0ng-marker"), "--port", "0", "--tls", keyStore.toString(), "TLS_PW");
        assertEquals(78, wrong.code(), wrong.err());
        assertOneLineWithoutTrace(wrong);
        assertTrue(wrong.err().contains("broker.p12") && wrong.err().contains("password"), wrong.err());
        assertFalse(wrong.err().contains("Wr0ng-marker"), "no password in messages");

        Path notAStore = Files.writeString(dir.resolve("not-a-store.p12"), "not a key store");
        for (Path bad : List.of(dir.resolve("missing.p12"), notAStore)) {
            Run r = run(Map.of("TLS_PW", "changeit"), "--port", "0", "--tls", bad.toString(), "TLS_PW");
            assertEquals(78, r.code(), r.err());
            assertOneLineWithoutTrace(r);
            assertTrue(r.err().contains(bad.getFileName().toString()), r.err());
        }
    }

    @Test
    void theUriIsPrintedOnceTheAcceptorIsBound() throws Exception {
        Process p = start(Map.of(), "--port", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String uri = out.readLine();
            assertTrue(uri != null && uri.startsWith("amqp://127.0.0.1:"), "first line: " + uri);
            int port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
            // it listens: the port can be connected to at once
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                assertTrue(s.isConnected());
            }
        } finally {
            p.destroy();
            assertTrue(p.waitFor(DEADLINE_S, TimeUnit.SECONDS), "SIGTERM stops it");
        }
    }

    /** SIGTERM (what Process.destroy sends, and what a supervisor sends) is a requested stop: exit 0, like listenevents. */
    @Test
    void sigtermIsACleanStopWithExit0() throws Exception {
        Process p = start(Map.of(), "--port", "0");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String uri = out.readLine();
        assertTrue(uri != null && uri.startsWith("amqp://"), "first line: " + uri);
        p.toHandle().destroy();   // SIGTERM, leaving the pipes open (Process.destroy closes them)
        assertTrue(p.waitFor(DEADLINE_S, TimeUnit.SECONDS), "SIGTERM stops it");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertTrue(err.contains("xqbus-broker: stopped"), err);
    }

    @Test
    void versionNamesThePomsVersion() throws Exception {
        Run r = run(Map.of(), "--version");
        assertEquals(0, r.code(), r.err());
        String pomVersion = System.getProperty("xqbus.version");
        assertTrue(pomVersion != null && !pomVersion.isBlank(), "surefire passes the pom's version as xqbus.version");
        assertTrue(r.out().startsWith("xqbus-broker (xqbus) " + pomVersion + "\n"), r.out());
        assertTrue(r.out().contains("Artemis 2."), r.out());
    }
}
