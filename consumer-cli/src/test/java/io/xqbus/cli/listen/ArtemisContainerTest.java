package io.xqbus.cli.listen;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.xqbus.BusOptions;

/**
 * The broker scenarios on Apache ActiveMQ Artemis as users run it: the official image, stock configuration.
 * For machines with Docker; skips cleanly without it. The embedded Artemis runs the same scenarios in every
 * build ({@link ArtemisScenariosTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class ArtemisContainerTest extends BrokerScenarios {

    static final String USER = "xqbus";
    static final String PASSWORD = "xqbus";

    @Container
    @SuppressWarnings("resource")   // the extension stops it
    static final GenericContainer<?> ARTEMIS = new GenericContainer<>("apache/activemq-artemis:2.44.0")
            .withEnv("ARTEMIS_USER", USER)
            .withEnv("ARTEMIS_PASSWORD", PASSWORD)
            .withExposedPorts(5672)
            .waitingFor(Wait.forLogMessage(".*AMQ221007.*", 1));   // "Server is now active"

    String uri() {
        return "amqp://" + ARTEMIS.getHost() + ":" + ARTEMIS.getMappedPort(5672);
    }

    @Override
    BusOptions.Builder options() {
        return BusOptions.builder().broker(uri()).credentials(USER, PASSWORD);
    }

    @Override
    String password() {
        return PASSWORD;
    }
}
