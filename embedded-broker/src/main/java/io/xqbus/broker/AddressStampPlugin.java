package io.xqbus.broker;

import java.util.Map;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * An Artemis broker plugin that writes into every message routed to an event address the address the broker
 * really routes it to, as the application property {@value #PROPERTY}, overwriting whatever the producer put
 * there. Artemis routes a message from a sender link by the link's target, the address the producer's rights
 * were checked against, and ignores the message's {@code to} field, which the producer writes freely; so only
 * the broker can tell a consumer on a wildcard address ({@code xqbus.events.#}) where an event really arrived,
 * and with it which event type the producer was allowed to publish (brief §10, "type and address agree").
 *
 * <p>The embedded broker installs it. On a stand-alone Artemis, put the {@code embedded-broker} jar into the
 * broker's {@code lib/} directory and add to {@code broker.xml}:
 * <pre>{@code
 * <broker-plugins>
 *    <broker-plugin class-name="io.xqbus.broker.AddressStampPlugin">
 *       <property key="prefix" value="xqbus.events"/>
 *    </broker-plugin>
 * </broker-plugins>
 * }</pre>
 * Only addresses under the prefix (and the bare prefix) are stamped; a message the broker moves elsewhere (to
 * the dead-letter address, say) keeps the stamp of the event address it arrived on. Thread-safe.
 *
 * @since 0.1
 */
public final class AddressStampPlugin implements ActiveMQServerMessagePlugin {

    /** The application property holding the address the broker routed the message to. */
    public static final String PROPERTY = "xqbus_address";
    /** The {@code broker.xml} property naming the event address prefix (default {@value EmbeddedBroker#DEFAULT_PREFIX}). */
    public static final String PREFIX_KEY = "prefix";

    private volatile String prefix;

    /** Stamps the addresses under {@value EmbeddedBroker#DEFAULT_PREFIX} (what {@code broker.xml} instantiates). */
    public AddressStampPlugin() {
        this(EmbeddedBroker.DEFAULT_PREFIX);
    }

    /** Stamps the addresses under this prefix. */
    public AddressStampPlugin(String prefix) {
        this.prefix = requirePrefix(prefix);
    }

    private static String requirePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("the " + AddressStampPlugin.class.getSimpleName() + " needs a non-empty prefix");
        }
        return prefix.strip();
    }

    /** Reads {@value #PREFIX_KEY} from the plugin's properties in {@code broker.xml}. */
    @Override
    public void init(Map<String, String> properties) {
        String p = properties.get(PREFIX_KEY);
        if (p != null) {
            prefix = requirePrefix(p);
        }
    }

    /** The event address prefix this plugin stamps under. */
    public String prefix() {
        return prefix;
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates)
            throws ActiveMQException {
        SimpleString routed = context.getAddress(message);
        if (routed == null) {
            return;
        }
        String address = routed.toString();
        String p = prefix;
        if (!address.equals(p) && !address.startsWith(p + ".")) {
            return;   // not an event address: keep what it had (a dead-letter copy keeps the address it arrived on)
        }
        Object stamped = message.getObjectProperty(PROPERTY);
        if (stamped != null && address.equals(stamped.toString())) {
            return;   // routed again to the same address (a redistribution, a retry): nothing to re-encode
        }
        message.putStringProperty(PROPERTY, address);
        message.reencode();   // AMQP messages keep their encoded form: without this the consumer would not see it
    }
}
