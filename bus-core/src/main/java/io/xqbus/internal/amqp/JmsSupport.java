package io.xqbus.internal.amqp;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;

import io.xqbus.BrokerUnavailableException;
import io.xqbus.Location;
import io.xqbus.NotAuthorizedException;
import io.xqbus.XqBusException;

/**
 * The one place where qpid-jms meets the bus: the connection URI with our defaults, and the mapping of JMS
 * exceptions to xqbus's (STYLE.md: map exceptions in one place). Internal.
 */
public final class JmsSupport {

    private JmsSupport() {
    }

    /**
     * The URI given, with defaults added where the user set nothing: a connect timeout (so an unreachable
     * broker fails fast) and a modest prefetch (so large messages cannot pile up in memory).
     */
    public static String withDefaults(String uri, Duration connectTimeout, int prefetch) {
        long ms = connectTimeout.toMillis();
        StringBuilder b = new StringBuilder(uri);
        boolean failover = uri.startsWith("failover:");
        if (!failover && !uri.contains("transport.connectTimeout=")) {
            append(b, "transport.connectTimeout=" + ms);
        }
        if (!uri.contains("jms.connectTimeout=")) {
            append(b, "jms.connectTimeout=" + ms);
        }
        if (!uri.contains("jms.prefetchPolicy.")) {
            append(b, "jms.prefetchPolicy.all=" + prefetch);
            // durable group members hold few messages each: a crashed one delays little, a new one gets work at once
            append(b, "jms.prefetchPolicy.durableTopicPrefetch=" + Math.min(prefetch, 10));
        }
        if (!uri.contains("jms.requestTimeout=")) {
            append(b, "jms.requestTimeout=" + Math.max(ms, 10_000));
        }
        return b.toString();
    }

    /**
     * The URI with what RabbitMQ 3.x's AMQP 1.0 plugin needs, where the user set nothing: topics as
     * {@code /topic/NAME} (through {@code amq.topic}), queues as {@code /amq/queue/NAME} (existing queues only),
     * and receives served locally, since RabbitMQ mishandles the link drain a remote receive sends.
     */
    public static String forRabbitMq(String uri) {
        StringBuilder b = new StringBuilder(uri);
        if (!uri.contains("jms.topicPrefix=")) {
            append(b, "jms.topicPrefix=/topic/");
        }
        if (!uri.contains("jms.queuePrefix=")) {
            append(b, "jms.queuePrefix=/amq/queue/");
        }
        if (!uri.contains("jms.receiveLocalOnly=")) {
            append(b, "jms.receiveLocalOnly=true");
        }
        if (!uri.contains("jms.receiveNoWaitLocalOnly=")) {
            append(b, "jms.receiveNoWaitLocalOnly=true");
        }
        return b.toString();
    }

    /**
     * For long-running consumers: a URI that reconnects for ever with backoff (qpid-jms failover, which also
     * restores sessions and consumers). A {@code failover:} URI is kept as given.
     */
    public static String reconnecting(String uri) {
        if (uri.startsWith("failover:")) {
            return uri;
        }
        int query = uri.indexOf('?');
        String base = query < 0 ? uri : uri.substring(0, query);
        String transport = query < 0 ? "" : uri.substring(query);
        return "failover:(" + base + transport + ")?failover.maxReconnectAttempts=-1&failover.initialReconnectDelay=100"
                + "&failover.maxReconnectDelay=5000&failover.useReconnectBackOff=true&failover.warnAfterReconnectAttempts=10";
    }

    private static void append(StringBuilder uri, String option) {
        int close = uri.lastIndexOf(")");
        int query = uri.indexOf("?", Math.max(close, 0));
        uri.append(query < 0 ? '?' : '&').append(option);
    }

    /** The URI without anything that looks like a password, for messages. */
    public static String redact(String uri) {
        return uri.replaceAll("(?i)(password=)[^&)]*", "$1***").replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
    }

    /**
     * Maps a JMS failure to an xqbus exception.
     *
     * @param doing what was being done, for example {@code "connecting"}
     * @param user  the user name, or null
     */
    public static XqBusException map(JMSException e, String doing, String brokerUri, String user) {
        Location where = new Location(redact(brokerUri), 0, 0, null);
        Throwable root = rootCause(e);
        if (e instanceof JMSSecurityException || root instanceof JMSSecurityException || mentionsSasl(e)) {
            String who = user == null ? "an anonymous connection" : "user '" + user + "'";
            return new NotAuthorizedException("the broker refused " + who + " while " + doing + ": " + message(e), where, e);
        }
        SSLException ssl = find(e, SSLException.class);
        if (ssl != null) {
            return new BrokerUnavailableException("the TLS handshake with the broker failed while " + doing + ": " + ssl.getMessage()
                    + " (is the broker's certificate trusted? give a trust store with transport.trustStoreLocation)", where, e);
        }
        if (find(e, UnknownHostException.class) != null) {
            return new BrokerUnavailableException("unknown broker host (" + find(e, UnknownHostException.class).getMessage() + ") while " + doing, where, e);
        }
        if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null) {
            return new BrokerUnavailableException("the broker refused the connection or cannot be reached while " + doing
                    + " (is a broker running there?)", where, e);
        }
        if (find(e, SocketTimeoutException.class) != null || find(e, TimeoutException.class) != null
                || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            return new BrokerUnavailableException("the broker did not answer in time while " + doing, where, e);
        }
        return new BrokerUnavailableException("the broker failed while " + doing + ": " + message(e), where, e);
    }

    private static boolean mentionsSasl(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("SASL") || m.contains("sasl") || m.contains("amqp:unauthorized-access")
                    || m.contains("not authorized") || m.contains("does not have permission")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String message(Throwable e) {
        Throwable r = rootCause(e);
        String m = r.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getMessage();
        }
        return m == null ? r.toString() : m;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
