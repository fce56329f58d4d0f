package io.xqbus.broker;

import java.net.URI;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link EmbeddedBroker} (free port, non-persistent) per test class and
 * stops it after the class. Tests receive it as a parameter of type {@link EmbeddedBroker} or its
 * {@link URI}, in test methods, lifecycle methods or the constructor.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedBrokerExtension.class)
 * class MyTest {
 *     @Test void roundTrip(URI broker) { ... }
 * }
 * }</pre>
 *
 * A test class annotated {@link PersistentBroker} gets a persistent broker in a temporary directory, so
 * it can {@link EmbeddedBroker#stop()} and {@link EmbeddedBroker#start()} it again without losing messages.
 */
public final class EmbeddedBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        EmbeddedBroker.Builder builder = EmbeddedBroker.builder();
        java.nio.file.Path data = null;
        if (testClass.isAnnotationPresent(PersistentBroker.class)) {
            data = java.nio.file.Files.createTempDirectory("xqbus-broker-data-");
            builder.dataDirectory(data);
        }
        EmbeddedBroker broker = builder.build().start();
        java.nio.file.Path dataToDelete = data;
        context.getStore(NS).put(EmbeddedBroker.class, new Cleanup(broker, dataToDelete));
        context.getStore(NS).put("broker", broker);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedBroker.class || type == URI.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        EmbeddedBroker broker = find(extensionContext);
        return parameterContext.getParameter().getType() == URI.class ? broker.uri() : broker;
    }

    /** Stops the broker and removes its data when JUnit closes the class's store. */
    private record Cleanup(EmbeddedBroker broker, java.nio.file.Path data)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            broker.close();
            if (data != null) {
                try (var walk = java.nio.file.Files.walk(data)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static EmbeddedBroker find(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            EmbeddedBroker broker = c.getStore(NS).get("broker", EmbeddedBroker.class);
            if (broker != null) {
                return broker;
            }
        }
        throw new IllegalStateException("no embedded broker: register EmbeddedBrokerExtension on the test class");
    }
}
