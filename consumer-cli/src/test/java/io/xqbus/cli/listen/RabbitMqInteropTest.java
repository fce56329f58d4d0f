package io.xqbus.cli.listen;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.xqbus.BrokerKind;
import io.xqbus.BrokerUnavailableException;
import io.xqbus.BusOptions;
import io.xqbus.SubscriptionOptions;
import io.xqbus.XqBus;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The broker scenarios on a real RabbitMQ 3.10 with its AMQP 1.0 plugin, with only {@code brokerKind(RABBITMQ)}
 * set: publish and filter, a durable group (a queue bound to {@code amq.topic}, declared through the
 * management API), dead letters, listenevents in a group, a Python sender. Runs where
 * {@code XQBUS_RABBITMQ_URI} is set ({@code .ci/interop-setup} starts a local RabbitMQ and prints it); skips
 * elsewhere, saying how to run it.
 */
class RabbitMqInteropTest extends BrokerScenarios {

    static String uri;
    static String user;
    static String password;
    static String management;

    @BeforeAll
    static void needsRabbitMq() {
        uri = System.getenv("XQBUS_RABBITMQ_URI");
        user = System.getenv("XQBUS_RABBITMQ_USER");
        password = System.getenv("XQBUS_RABBITMQ_PASSWORD");
        management = System.getenv("XQBUS_RABBITMQ_MANAGEMENT_URI");
        assumeTrue(uri != null && !uri.isBlank(), "no RabbitMQ: run `eval \"$(sudo .ci/interop-setup | grep ^XQBUS_ | sed 's/^/export /')\"` "
                + "(it exports XQBUS_RABBITMQ_URI, _USER, _PASSWORD and _MANAGEMENT_URI) to run the RabbitMQ interop tests");
    }

    @Test
    void anUnreachableManagementApiIsNamedWithWhatToDo() throws Exception {
        try (XqBus bus = XqBus.connect(options().managementUri("http://127.0.0.1:1").build())) {
            BrokerUnavailableException e = assertThrows(BrokerUnavailableException.class, () -> bus.subscribe(filter(""), m -> { },
                    SubscriptionOptions.builder().durable(run + "-nomgmt").build()));
            assertTrue(e.getMessage().contains("management API at http://127.0.0.1:1") && e.getMessage().contains("declare the queues yourself"),
                    e.getMessage());
        }
    }

    @Override
    BusOptions.Builder options() {
        BusOptions.Builder b = BusOptions.builder().broker(uri).brokerKind(BrokerKind.RABBITMQ).credentials(user, password);
        return management == null || management.isBlank() ? b : b.managementUri(management);
    }

    @Override
    String password() {
        return password;
    }
}
