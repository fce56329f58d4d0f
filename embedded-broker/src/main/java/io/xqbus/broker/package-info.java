/**
 * Apache ActiveMQ Artemis in-process, configured for xqbus: start with {@link io.xqbus.broker.EmbeddedBroker},
 * run it from a shell with {@link io.xqbus.broker.BrokerMain} ({@code bin/xqbus-broker}), or give a JUnit 5
 * test class one with {@link io.xqbus.broker.EmbeddedBrokerExtension}.
 */
package io.xqbus.broker;
