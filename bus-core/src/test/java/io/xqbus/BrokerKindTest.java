package io.xqbus;

import org.junit.jupiter.api.Test;

import io.xqbus.internal.amqp.JmsSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the broker kind is named and what it adds to a URI (the scenarios on real brokers are in consumer-cli). */
class BrokerKindTest {

    @Test
    void namesAsUsersWriteThem() {
        assertEquals(BrokerKind.RABBITMQ, BrokerKind.parse(" RabbitMQ "));
        assertEquals(BrokerKind.STANDARD, BrokerKind.parse("artemis"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerKind.parse("kafka"));
        assertTrue(e.getMessage().contains("'kafka'") && e.getMessage().contains("rabbitmq"), e.getMessage());
    }

    @Test
    void theManagementApiDefaultsToTheFirstBrokerHost() {
        assertEquals("http://mq1.example.com:15672", BusOptions.builder()
                .broker("failover:(amqp://mq1.example.com:5672,amqp://mq2.example.com:5672)").build().managementUri());
        assertEquals("http://127.0.0.1:15672", BusOptions.builder().broker("amqp://127.0.0.1:5672?jms.prefetchPolicy.all=5").build().managementUri());
        assertEquals("none", BusOptions.builder().managementUri("none").build().managementUri());
    }

    @Test
    void rabbitMqOptionsGoAfterTheFailoverListAndKeepTheUsersOwn() {
        String uri = JmsSupport.forRabbitMq("failover:(amqp://a:5672,amqp://b:5672)?jms.topicPrefix=/exchange/events/");
        assertEquals("failover:(amqp://a:5672,amqp://b:5672)?jms.topicPrefix=/exchange/events/&jms.queuePrefix=/amq/queue/"
                + "&jms.receiveLocalOnly=true&jms.receiveNoWaitLocalOnly=true", uri);
    }
}
