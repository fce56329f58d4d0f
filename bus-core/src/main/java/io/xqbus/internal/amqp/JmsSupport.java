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
import io.xqbus.ConfigurationException;
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
     * broker fails fast; in a {@code failover:} list, on each broker of it) and a modest prefetch (so large
     * messages cannot pile up in memory). A one-shot ({@code reconnect} false) {@code failover:} URI also gets
     * a bounded number of reconnect attempts — once through the list — so that it fails fast like a plain one.
     */
    public static String withDefaults(String uri, Duration connectTimeout, int prefetch, boolean reconnect) {
        long ms = connectTimeout.toMillis();
        boolean failover = uri.startsWith("failover:");
        StringBuilder b = new StringBuilder(uri.contains("transport.connectTimeout=") ? uri
                : withTransportOption(uri, "transport.connectTimeout=" + ms));
        if (failover && !reconnect) {
            int brokers = nested(uri).size();
            if (!uri.contains("failover.startupMaxReconnectAttempts=")) {
                append(b, "failover.startupMaxReconnectAttempts=" + brokers);
            }
            if (!uri.contains("failover.maxReconnectAttempts=")) {
                append(b, "failover.maxReconnectAttempts=" + brokers);
            }
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
     * Adds a transport option to a URI; in a {@code failover:(…)} list, to each nested URI (where qpid-jms
     * reads transport options).
     */
    public static String withTransportOption(String uri, String option) {
        int open = uri.indexOf('(');
        int close = uri.lastIndexOf(')');
        if (uri.startsWith("failover:") && open > 0 && close > open) {
            StringBuilder list = new StringBuilder();
            for (String part : nested(uri)) {
                if (list.length() > 0) {
                    list.append(',');
                }
                list.append(withTransportOption(part, option));
            }
            return uri.substring(0, open + 1) + list + uri.substring(close);
        }
        return uri + (uri.contains("?") ? "&" : "?") + option;
    }

    /** The broker URIs of a {@code failover:(a,b)} URI, or the URI itself. */
    static java.util.List<String> nested(String uri) {
        int open = uri.indexOf('(');
        int close = uri.lastIndexOf(')');
        if (!uri.startsWith("failover:") || open < 0 || close < open) {
            return java.util.List.of(uri);
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String part : uri.substring(open + 1, close).split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /**
     * A connection factory for the URI, its options checked before anything connects: qpid-jms checks the
     * {@code jms.} options itself; the {@code transport.} and {@code amqp.} options of each broker URI it
     * would check only when connecting (and a failover connection would retry such a mistake for ever), so
     * they are checked here by making, without connecting, the transport and provider qpid-jms would make.
     *
     * @param shown the URI to name in messages (the user's, without our defaults)
     * @throws ConfigurationException naming the options qpid-jms does not know, or a URI it cannot parse
     */
    public static org.apache.qpid.jms.JmsConnectionFactory factory(String uri, String shown) throws ConfigurationException {
        Location where = new Location(redact(shown), 0, 0, null);
        org.apache.qpid.jms.JmsConnectionFactory factory;
        try {
            factory = connectionFactory(uri);
            for (String target : nested(uri)) {
                java.net.URI u = new java.net.URI(target);
                String scheme = String.valueOf(u.getScheme()).toLowerCase(java.util.Locale.ROOT);
                String transport = switch (scheme) {
                    case "amqp" -> "tcp";
                    case "amqps" -> "ssl";
                    case "amqpws" -> "ws";
                    case "amqpwss" -> "wss";
                    default -> throw new IllegalArgumentException("unknown scheme '" + scheme + "' in " + redact(target)
                            + " (use amqp://, amqps://, amqpws://, amqpwss:// or failover:(…))");
                };
                org.apache.qpid.jms.transports.TransportFactory.create(transport, u);
                org.apache.qpid.jms.provider.ProviderFactory.create(u).close();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(describeOptionError(e), where, null);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigurationException("the broker URI is not valid: " + redact(e.getMessage()), where, null);
        } catch (Exception e) {
            IllegalArgumentException options = find(e, IllegalArgumentException.class);
            throw new ConfigurationException(options != null ? describeOptionError(options)
                    : "the broker URI is not valid: " + redact(message(e)), where, null);
        }
        return factory;
    }

    /**
     * qpid-jms's connection factory, with every Data section handed to the bus as bytes (see
     * {@link DataSectionsAsBytes}), whatever its content-type says.
     */
    private static org.apache.qpid.jms.JmsConnectionFactory connectionFactory(String uri) {
        return new org.apache.qpid.jms.JmsConnectionFactory(uri) {
            private static final long serialVersionUID = 1L;

            @Override
            protected org.apache.qpid.jms.provider.Provider createProvider(java.net.URI remoteURI) throws Exception {
                return new DataSectionsAsBytes(super.createProvider(remoteURI));
            }
        };
    }

    /** qpid-jms's "Not all … options could be set … Unused parameters=[{a=1}]" as a sentence naming the options. */
    private static String describeOptionError(IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        java.util.regex.Matcher unused = UNUSED.matcher(m);
        if (unused.find()) {
            java.util.List<String> names = new java.util.ArrayList<>();
            java.util.regex.Matcher name = OPTION_NAME.matcher(unused.group(1));
            while (name.find()) {
                names.add(name.group(1));
            }
            return "the broker URI has " + (names.size() == 1 ? "an option" : "options") + " qpid-jms does not know: "
                    + String.join(", ", names) + " (check the spelling; qpid-jms's Configuration.md lists the options)";
        }
        return "the broker URI is not valid: " + redact(m);
    }

    private static final java.util.regex.Pattern UNUSED = java.util.regex.Pattern.compile("Unused parameters=\\[\\{?(.*?)\\}?\\]");
    private static final java.util.regex.Pattern OPTION_NAME = java.util.regex.Pattern.compile("(?:^|,\\s*)([^=,]+)=");

    /**
     * An SSL context trusting the certificates of a trust store (PKCS12 or JKS, found by its content), so
     * that the store's password reaches qpid-jms without being written into a URI.
     *
     * @throws ConfigurationException when the store cannot be read or its password is wrong (the message
     *                                names the file, never the password)
     */
    public static javax.net.ssl.SSLContext trusting(java.nio.file.Path store, char[] password) throws ConfigurationException {
        Location where = new Location(store.toString(), 0, 0, null);
        try {
            java.security.KeyStore keys = java.security.KeyStore.getInstance(store.toFile(), password);
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            boolean badPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("password");
            throw new ConfigurationException(badPassword ? "cannot open the trust store: wrong password (or none given)"
                    : "cannot read the trust store: " + e.getMessage(), where, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new ConfigurationException("cannot use the trust store: " + e.getMessage(), where, null);
        }
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
        // transport and amqp options belong to the nested URI; jms options to the outer one, where qpid-jms reads them
        StringBuilder nested = new StringBuilder(base);
        StringBuilder outer = new StringBuilder();
        if (query >= 0) {
            for (String option : uri.substring(query + 1).split("&")) {
                if (option.isEmpty()) {
                    continue;
                }
                StringBuilder to = option.startsWith("jms.") ? outer : nested;
                to.append(to == outer ? "&" : to.indexOf("?") < 0 ? "?" : "&").append(option);
            }
        }
        return "failover:(" + nested + ")?failover.maxReconnectAttempts=-1&failover.initialReconnectDelay=100"
                + "&failover.maxReconnectDelay=5000&failover.useReconnectBackOff=true&failover.warnAfterReconnectAttempts=10" + outer;
    }

    private static void append(StringBuilder uri, String option) {
        int close = uri.lastIndexOf(")");
        int query = uri.indexOf("?", Math.max(close, 0));
        uri.append(query < 0 ? '?' : '&').append(option);
    }

    /** The URI without anything that looks like a password, for messages. */
    public static String redact(String uri) {
        return uri.replaceAll("(?i)(password=)[^&),]*", "$1***").replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
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
        IllegalArgumentException options = find(e, IllegalArgumentException.class);
        if (options != null && String.valueOf(options.getMessage()).contains("Unused parameters")) {
            return new ConfigurationException(describeOptionError(options), where, e);
        }
        if (e instanceof JMSSecurityException || root instanceof JMSSecurityException || mentionsSasl(e)) {
            String who = user == null ? "an anonymous connection" : "user '" + user + "'";
            return new NotAuthorizedException("the broker refused " + who + " while " + doing + ": " + redact(message(e)), where, e);
        }
        SSLException ssl = find(e, SSLException.class);
        if (ssl != null) {
            return new BrokerUnavailableException("the TLS handshake with the broker failed while " + doing + ": " + ssl.getMessage()
                    + " (is the broker's certificate trusted? give its trust store: --trust-store, or BusOptions.Builder.trustStore)", where, e);
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
        return new BrokerUnavailableException("the broker failed while " + doing + ": " + redact(message(e)), where, e);
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
