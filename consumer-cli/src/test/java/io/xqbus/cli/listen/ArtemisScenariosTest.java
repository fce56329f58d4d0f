package io.xqbus.cli.listen;

import java.net.URI;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import io.xqbus.BusOptions;
import io.xqbus.broker.EmbeddedBrokerExtension;

/** The broker scenarios on the embedded Artemis, in every build: the reference the other brokers are held to. */
@ExtendWith(EmbeddedBrokerExtension.class)
class ArtemisScenariosTest extends BrokerScenarios {

    static URI broker;

    @BeforeAll
    static void broker(URI uri) {
        broker = uri;
    }

    @Override
    BusOptions.Builder options() {
        return BusOptions.builder().broker(broker);
    }

    @Override
    String password() {
        return null;
    }
}
