package io.xqbus.cli.listen;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.xqbus.BrokerKind;
import io.xqbus.BusOptions;

/**
 * The broker scenarios on RabbitMQ 3.10 from its official image, with the AMQP 1.0 and management plugins
 * enabled. For machines with Docker; skips cleanly without it. {@link RabbitMqInteropTest} runs the same
 * scenarios against the RabbitMQ that {@code .ci/run} installs from Debian's packages.
 */
@Testcontainers(disabledWithoutDocker = true)
class RabbitMqContainerTest extends BrokerScenarios {

    static final String USER = "xqbus";
    static final String PASSWORD = "xqbus";

    @Container
    @SuppressWarnings("resource")   // the extension stops it
    static final GenericContainer<?> RABBITMQ = new GenericContainer<>("rabbitmq:3.10-management")
            .withEnv("RABBITMQ_DEFAULT_USER", USER)
            .withEnv("RABBITMQ_DEFAULT_PASS", PASSWORD)
            .withCopyToContainer(Transferable.of("[rabbitmq_management,rabbitmq_amqp1_0].\n"), "/etc/rabbitmq/enabled_plugins")
            .withExposedPorts(5672, 15672)
            .waitingFor(Wait.forLogMessage(".*Server startup complete.*", 1));

    String uri() {
        return "amqp://" + RABBITMQ.getHost() + ":" + RABBITMQ.getMappedPort(5672);
    }

    @Override
    BusOptions.Builder options() {
        return BusOptions.builder().broker(uri()).credentials(USER, PASSWORD).brokerKind(BrokerKind.RABBITMQ)
                .managementUri("http://" + RABBITMQ.getHost() + ":" + RABBITMQ.getMappedPort(15672));
    }

    @Override
    String password() {
        return PASSWORD;
    }
}
