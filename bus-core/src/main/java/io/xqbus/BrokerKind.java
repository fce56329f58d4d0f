package io.xqbus;

import java.util.Locale;

/**
 * Which broker the bus talks to, where brokers differ in what AMQP 1.0 offers. The bus's API and the event
 * format are the same on every kind; only how consumer groups, dead letters and batches are held changes.
 *
 * @since 0.1
 */
public enum BrokerKind {

    /**
     * A broker with AMQP transactions and JMS 2 shared subscriptions over AMQP: Apache ActiveMQ Artemis (the
     * embedded broker), ActiveMQ Classic, Qpid Broker-J. Consumer groups are shared (durable) subscriptions
     * on {@code PREFIX.#}; acknowledgements and dead letters share one transaction. The default.
     */
    STANDARD,

    /**
     * RabbitMQ 3.x with its AMQP 1.0 plugin, which has neither transactions nor shared subscriptions and
     * ignores selectors. The bus adds the address options RabbitMQ needs ({@code /topic/} through
     * {@code amq.topic}); a consumer group is a named queue {@code xqbus.group.NAME} bound to
     * {@code amq.topic} with {@code PREFIX.#}, declared through the management API (or by the operator), and
     * read with client acknowledgements; the dead-letter queue is declared the same way.
     * {@link XqBus#publishBatch} is refused: without transactions it cannot be all or nothing.
     */
    RABBITMQ;

    /**
     * The kind for a name as users write it: {@code standard}, {@code artemis} (the same), {@code rabbitmq}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static BrokerKind parse(String name) {
        switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "standard", "artemis", "activemq", "qpid":
                return STANDARD;
            case "rabbitmq", "rabbit":
                return RABBITMQ;
            default:
                throw new IllegalArgumentException("unknown broker kind '" + name + "' (use standard, artemis or rabbitmq)");
        }
    }
}
