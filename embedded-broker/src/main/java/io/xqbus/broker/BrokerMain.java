package io.xqbus.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code xqbus-broker} command: an {@link EmbeddedBroker} until Ctrl-C or SIGTERM, which are a clean stop
 * (exit 0, as for the consumer daemon).
 * It prints the URI it listens on as its first line on stdout, so scripts can wait for it, and only once
 * the acceptor is bound; otherwise it exits with one line saying why: 69 when the port is taken, 78 when
 * the TLS key store or its password is wrong, 70 for anything else.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.activemq.audit", "off");
        EmbeddedBroker.Builder builder = EmbeddedBroker.builder().port(5672);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                switch (a) {
                    case "--port" -> builder.port(Integer.parseInt(value(args, ++i, a)));
                    case "--data" -> builder.dataDirectory(Path.of(value(args, ++i, a)));
                    case "--prefix" -> builder.prefix(value(args, ++i, a));
                    case "--users" -> builder.securityFile(Path.of(value(args, ++i, a)));
                    case "--tls" -> builder.tls(Path.of(value(args, ++i, a)), password(value(args, ++i, a)));
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    case "-V", "--version" -> {
                        System.out.println("xqbus-broker (xqbus) " + version());
                        System.out.println("Apache ActiveMQ Artemis " + org.apache.activemq.artemis.utils.VersionLoader.getVersion().getFullVersion()
                                + ", Java " + System.getProperty("java.version"));
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            } catch (IllegalArgumentException e) {
                System.err.println("xqbus-broker: " + e.getMessage());
                boolean config = a.equals("--users");
                if (!config) {
                    System.err.println(USAGE);
                }
                System.exit(config ? 78 : 2);
            }
        }
        EmbeddedBroker broker = builder.build();
        try {
            broker.start();   // returns once the acceptor is bound: only then is the URI printed
        } catch (EmbeddedBroker.StartException e) {
            broker.close();
            System.err.println("xqbus-broker: " + e.getMessage());
            switch (e.reason()) {
                case PORT_IN_USE -> {
                    System.err.println("hint: another broker may be running there; choose a port with --port (0 picks a free one)");
                    System.exit(69);
                }
                case KEY_STORE -> System.exit(78);
                default -> System.exit(70);
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            System.err.println("xqbus-broker: stopped");
            System.err.flush();
            stopped.countDown();
            Runtime.getRuntime().halt(0);   // a requested stop is a clean one: 0, not the JVM's 143 for SIGTERM
        }, "xqbus-broker-shutdown"));
        System.out.println(broker.uri());
        System.out.flush();
        System.err.println("xqbus-broker: listening on " + broker.uri()
                + (broker.isPersistent() ? " (persistent)" : " (non-persistent)") + "; Ctrl-C stops it");
        stopped.await();
    }

    /** This build's version, from the pom (a filtered resource, like bus-core's, which this module does not use). */
    static String version() {
        try (java.io.InputStream in = BrokerMain.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(unknown: version.properties is missing from this build)";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (java.io.IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    private static String password(String variable) {
        String p = System.getenv(variable);
        if (p == null) {
            throw new IllegalArgumentException("--tls names the password variable " + variable + ", which is not set");
        }
        return p;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static final String USAGE = """
            Usage: xqbus-broker [--port PORT] [--data DIR] [--prefix NAME] [--users FILE] [--tls KEYSTORE PASSWORD-VAR]
                                [--version] [--help]
              --port PORT      TCP port on 127.0.0.1 (default 5672; 0 picks a free one)
              --data DIR       keep messages and durable subscriptions in DIR (persistent)
              --prefix NAME    event address prefix made multicast (default xqbus.events)
              --users FILE     security on: users, roles and permissions from FILE (see README.md)
              --tls KEYSTORE VAR  serve amqps:// with the key store KEYSTORE (PKCS12), its password in $VAR
              -V, --version    print the version and exit
            Stops on Ctrl-C or SIGTERM with exit 0; 2 usage, 69 port taken, 78 bad key store or users file, 70 other.""";
}
