package io.xqbus.cli.listen;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** listenevents with brokers that never answer, or a URI qpid-jms cannot use: it ends promptly, with the right code. */
class FailFastTest {

    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();   // closed again: nothing listens there
        }
    }

    static String deadFailoverList() throws IOException {
        return "failover:(amqp://127.0.0.1:" + deadPort() + ",amqp://127.0.0.1:" + deadPort() + ")";
    }

    record Result(int code, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ListenEvents.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, err.toString());
    }

    @Test
    void aOneShotRunOnAnUnreachableFailoverListIs69Fast() throws Exception {
        String uri = deadFailoverList();
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run("--broker", uri, "--count", "1", "--timeout", "10s", "--query", "."),
                "one-shot means fail fast, whatever the URI form");
        assertEquals(69, r.code(), r.err());
    }

    @Test
    void aMisspeltOptionInADaemonsFailoverUriIs78NotARetryForEver() throws Exception {
        String uri = "failover:(amqp://127.0.0.1:" + deadPort() + "?transport.tcpKeepAlve=true)";
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("--broker", uri, "--query", "."),
                "a daemon retries an unreachable broker, never a mistake in its options");
        assertEquals(78, r.code(), r.err());
        assertTrue(r.err().contains("transport.tcpKeepAlve"), r.err());
    }

    @Test
    void sigtermStopsADaemonStillConnectingAtOnce(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), ListenEvents.class.getName(),
                "--broker", deadFailoverList(), "--query", ".")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        try {
            // the daemon retries for ever; give it time to be inside its connect loop, then stop it as a supervisor would
            assertTrue(!p.waitFor(3, TimeUnit.SECONDS), "a daemon keeps trying an unreachable broker");
            p.destroy();   // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "SIGTERM ends a daemon that is still connecting within 20 s");
            assertEquals(0, p.exitValue(), "SIGTERM is a clean stop");
        } finally {
            p.destroyForcibly();
        }
    }
}
