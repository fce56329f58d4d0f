package io.xqbus.broker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link EmbeddedBrokerExtension} for a persistent broker (journal in a temporary directory removed
 * after the class), for tests that restart the broker or rely on durable subscriptions surviving it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PersistentBroker {
}
