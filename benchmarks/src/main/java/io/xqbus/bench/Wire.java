package io.xqbus.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;

import io.xqbus.BusOptions;
import io.xqbus.XqBus;
import io.xqbus.internal.amqp.JmsSupport;

/**
 * What the plain qpid-jms baselines need to move the same messages the bus moves: the connection options the
 * bus uses (its consumer prefetch, timeouts), the enveloped body it sends and its application properties. A
 * baseline that sends fewer bytes or a larger prefetch measures a different workload, not the bus's overhead.
 */
final class Wire {

    /** The consumer prefetch {@link XqBus} sets on its connections. */
    static final int BUS_PREFETCH = 100;

    private Wire() {
    }

    /** The broker URI with the options {@link XqBus#connect} adds to it. */
    static String busUri(String uri) {
        return JmsSupport.withDefaults(uri, BusOptions.DEFAULT_CONNECT_TIMEOUT, BUS_PREFETCH, false);
    }

    /** A producer's identity and counter, as the bus puts them on the wire (brief §2, §3). */
    static final class Producer {
        final String id = UUID.randomUUID().toString();
        final String source;
        long seq;

        Producer(String source) {
            this.source = source;
        }

        /** The envelope the bus wraps around a serialised payload (which declares its own namespace). */
        String envelope(String ns, String payload, String eventId, long seq) {
            return "<Event xmlns=\"" + ns + "\" id=\"" + eventId + "\" source=\"" + source + "\" producer=\"" + id
                    + "\" seq=\"" + seq + "\" time=\"" + Instant.ofEpochMilli(System.currentTimeMillis()) + "\">" + payload + "</Event>";
        }

        /** The application properties the bus sets on every message. */
        void properties(Message m, String eventId, String type, String ns, long seq) throws JMSException {
            m.setStringProperty(XqBus.PROP_ID, eventId);
            m.setStringProperty(XqBus.PROP_TYPE, type);
            m.setStringProperty(XqBus.PROP_NS, ns);
            m.setStringProperty(XqBus.PROP_SOURCE, source);
            m.setStringProperty(XqBus.PROP_PRODUCER, id);
            m.setLongProperty(XqBus.PROP_SEQ, seq);
        }
    }

    /** Sends asynchronously, as the bus does: the future completes when the broker accepted the message. */
    static CompletableFuture<Void> sendAsync(MessageProducer producer, Message m) throws JMSException {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        producer.send(m, new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                ack.complete(null);
            }

            @Override
            public void onException(Message message, Exception exception) {
                ack.completeExceptionally(exception);
            }
        });
        return ack;
    }

    /** CPU time this whole process has used (broker, producer and consumer alike), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
