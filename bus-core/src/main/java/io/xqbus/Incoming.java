package io.xqbus;

import java.util.Enumeration;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Topic;

import io.xqbus.internal.Printable;

/**
 * What a received message says about itself before it is read as an event, decided in one place: whether its
 * properties stay within {@link Limits}, what it is called in logs, reasons and listener calls, and on which
 * address it really arrived — which, for an address {@code PREFIX.T}, is a claim that the payload is a
 * {@code T} (brief §10, "type and address agree").
 *
 * <p>Where a message arrived, most trusted first:
 * <ol>
 * <li>the address of the consumer's link, when that is one address and not a pattern: the broker delivers
 *     there only what it routed there, and it routed by the producer's link, whose rights it checked;</li>
 * <li>the broker's stamp {@value XqBus#PROP_ADDRESS}, which {@code io.xqbus.broker.AddressStampPlugin}
 *     overwrites with the address the broker routed to (the embedded broker installs it; without the plugin a
 *     producer could write it, so it is no better than {@code to});</li>
 * <li>the AMQP {@code to} field, which the producer writes and the broker does not check: it protects against
 *     honest mistakes only;</li>
 * <li>otherwise unknown (a pattern such as {@code xqbus.events.#}, which qpid-jms reports when {@code to} is
 *     missing, is never the address).</li>
 * </ol>
 */
final class Incoming {

    /** What a dead-letter copy says when neither the broker, the link nor the message told the address. */
    static final String UNKNOWN_ADDRESS = "unknown";
    /** How a message that carries no id is called, followed by the address it arrived on. */
    static final String WITHOUT_ID = "message without id on ";
    /** How a message whose id is too long to use is called, followed by that length and the address. */
    static final String OVERSIZED_ID = "message with an id of ";

    /** What qpid-jms puts before a string message id that a non-JMS producer set. */
    private static final String QPID_FOREIGN_ID = "ID:AMQP_NO_PREFIX:";

    private Incoming() {
    }

    /**
     * Refuses a message whose properties exceed the bounds: one value over {@link Limits#maxPropertyChars(String)}
     * ({@code xqbus_id}: {@link Limits#MAX_ID_CHARS}), all of them together over {@link Limits#maxPropertiesChars()},
     * or an AMQP message id over {@link Limits#MAX_ID_CHARS}. Checked before any property is used, so an oversized
     * value never becomes an event id, a filter variable or a log line; the reason names the property and its length.
     */
    static void checkProperties(Message m, Limits limits, String source) throws InvalidEventException {
        long total = 0;
        try {
            for (Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements(); ) {
                String name = String.valueOf(names.nextElement());
                if (name.length() > limits.maxPropertyChars()) {
                    throw refuse("a message property name is " + name.length() + " characters long (" + shown(name)
                            + "), more than the limit of " + limits.maxPropertyChars(), source);
                }
                long length = length(m.getObjectProperty(name));
                int max = limits.maxPropertyChars(name);
                if (length > max) {
                    throw refuse("the message property " + shown(name) + " is " + length + " characters long, more than the limit of " + max
                            + (max == Limits.MAX_ID_CHARS ? " for an event id" : " (Limits.maxPropertyChars)"), source);
                }
                total += name.length() + length;
                if (total > limits.maxPropertiesChars()) {
                    throw refuse("the message properties are more than " + limits.maxPropertiesChars()
                            + " characters long together, names and values (Limits.maxPropertiesChars; reached at " + shown(name) + ")", source);
                }
            }
            String messageId = m.getJMSMessageID();
            if (messageId != null && messageId.length() > Limits.MAX_ID_CHARS) {
                throw refuse("the AMQP message id is " + sentLength(messageId) + " characters long, more than the limit of "
                        + Limits.MAX_ID_CHARS + " for an event id", source);
            }
        } catch (JMSException | RuntimeException e) {
            throw new InvalidEventException("cannot read the message properties: " + e.getMessage(), new Location(source, 0, 0, null), e);
        }
    }

    private static InvalidEventException refuse(String problem, String source) {
        return new InvalidEventException(problem, new Location(source, 0, 0, null));
    }

    /** A property name as a message shows it: escaped, and its first 64 characters only. */
    private static String shown(String name) {
        return Printable.of(name.length() <= 64 ? name : name.substring(0, 64) + "…");
    }

    /** The size of a property value: characters of text, bytes of binary, a few for a number or boolean. */
    static long length(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return 0;
        }
        if (value instanceof CharSequence s) {
            return s.length();
        }
        if (value instanceof byte[] b) {
            return b.length;
        }
        if (value instanceof org.apache.qpid.proton.amqp.Binary b) {
            return b.getLength();
        }
        return String.valueOf(value).length();   // symbols, UUIDs, timestamps: short by their nature
    }

    /**
     * The event id the message properties carry: {@code xqbus_id}, else the AMQP message id; null when it has
     * neither, or when the one it has is longer than {@link Limits#MAX_ID_CHARS} (never used, even to name it).
     */
    static String id(Message m) {
        String id = property(m, XqBus.PROP_ID);
        if (id == null) {
            try {
                id = m.getJMSMessageID();
            } catch (JMSException | RuntimeException e) {
                id = null;
            }
        }
        return id == null || id.isEmpty() || id.length() > Limits.MAX_ID_CHARS ? null : id;
    }

    /**
     * What to call the message where no event id can be read from its body: its id ({@link #id}), or
     * {@code message without id on ADDRESS}, or {@code message with an id of N characters on ADDRESS} (the
     * same for every redelivery; an oversized id is never shown).
     */
    static String name(Message m, String address) {
        String id = id(m);
        if (id != null) {
            return id;
        }
        String where = address != null ? address : "an unknown address";
        String oversized = property(m, XqBus.PROP_ID);
        int length = oversized == null ? 0 : oversized.length();
        if (oversized == null) {
            try {
                oversized = m.getJMSMessageID();
                length = oversized == null ? 0 : sentLength(oversized);
            } catch (JMSException | RuntimeException e) {
                oversized = null;
            }
        }
        return oversized != null && oversized.length() > Limits.MAX_ID_CHARS
                ? OVERSIZED_ID + length + " characters on " + where
                : WITHOUT_ID + where;
    }

    /** The length of a message id as the producer sent it: qpid-jms shows a foreign string id behind its own prefix. */
    private static int sentLength(String jmsMessageId) {
        return jmsMessageId.startsWith(QPID_FOREIGN_ID) ? jmsMessageId.length() - QPID_FOREIGN_ID.length() : jmsMessageId.length();
    }

    /** The source name errors about the message give: {@code message ID}, or {@code message without id on ADDRESS}. */
    static String source(Message m, String address) {
        String id = id(m);
        return id != null ? "message " + id : name(m, address);
    }

    /** "event ID", or the name itself when the message had no usable id ({@link #name}); not yet escaped for a log. */
    static String label(String name) {
        return name != null && (name.startsWith(WITHOUT_ID) || name.startsWith(OVERSIZED_ID)) ? name : "event " + name;
    }

    /**
     * Where the message arrived (see the class comment), or null when nothing trustworthy enough says so.
     *
     * @param link the address of the consumer that received it, or null (a pattern, or a queue of a group)
     */
    static String arrival(Message m, String link, Limits limits) {
        if (link != null && !isPattern(link)) {
            return link;
        }
        String stamp = property(m, XqBus.PROP_ADDRESS);
        if (stamp != null && !stamp.isEmpty() && stamp.length() <= limits.maxPropertyChars() && !isPattern(stamp)) {
            return stamp;
        }
        String to = null;
        try {
            Destination d = m.getJMSDestination();   // qpid-jms: 'to', or the consumer's own address when 'to' is missing
            if (d instanceof Topic t) {
                to = t.getTopicName();
            } else if (d instanceof Queue q) {
                to = q.getQueueName();
            }
        } catch (JMSException | RuntimeException e) {
            return null;
        }
        if (to == null) {
            return null;
        }
        for (String routing : new String[] {"topic://", "queue://", "/topic/"}) {
            if (to.startsWith(routing)) {
                to = to.substring(routing.length());   // the routing prefixes a foreign client may write
                break;
            }
        }
        return to.isEmpty() || to.length() > limits.maxPropertyChars() || isPattern(to) ? null : to;
    }

    /** Whether an address is an Artemis or AMQP topic pattern ('#' or '*' words), not one address. */
    static boolean isPattern(String address) {
        for (String word : address.split("\\.", -1)) {
            if (word.equals("#") || word.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses an event whose payload type is not the one its address names: on {@code PREFIX.T} only a
     * {@code T}. The bare prefix, an address outside it and an unknown address claim no type.
     */
    static void checkType(String payloadType, String address, String prefix, String source) throws InvalidEventException {
        if (address == null || !address.startsWith(prefix + ".")) {
            return;
        }
        String claimed = address.substring(prefix.length() + 1);
        if (!claimed.equals(payloadType)) {
            throw new InvalidEventException("the payload is a " + payloadType + " but the event arrived on " + address + ", the address of "
                    + claimed + " events: an event on " + prefix + ".T must be a T (other types go to their own address or to the bare "
                    + prefix + ")", new Location(source, 0, 0, "/Event/" + payloadType));
        }
    }

    /** A string property, or null when absent or unreadable. */
    /**
     * The message's application properties, typed for filter variables (brief §10): integers of any width as
     * Long, float and double as Double, Boolean, and everything else (strings, symbols, UUIDs…) as its text. Read
     * after {@link #checkProperties}, so every value is within the limits; one that cannot be read is left out.
     */
    static java.util.Map<String, Object> properties(Message m) {
        java.util.Map<String, Object> out = new java.util.HashMap<>();
        try {
            for (Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements(); ) {
                String name = String.valueOf(names.nextElement());
                Object value;
                try {
                    value = m.getObjectProperty(name);
                } catch (JMSException | RuntimeException e) {
                    continue;
                }
                if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
                    out.put(name, ((Number) value).longValue());
                } else if (value instanceof Float || value instanceof Double) {
                    out.put(name, ((Number) value).doubleValue());
                } else if (value instanceof Boolean || value instanceof String) {
                    out.put(name, value);
                } else if (value != null) {
                    out.put(name, String.valueOf(value));
                }
            }
        } catch (JMSException | RuntimeException e) {
            // no properties to read: the variables are the empty sequence
        }
        return out;
    }

    static String property(Message m, String name) {
        try {
            return m.propertyExists(name) ? m.getStringProperty(name) : null;
        } catch (JMSException | RuntimeException e) {
            return null;
        }
    }
}
