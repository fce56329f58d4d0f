package io.xqbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to connect a bus: broker URI, credentials, address prefix, source name, schema set, limits, listener.
 * Immutable; build with {@link #builder()}, derive a variant with {@link #newBuilder()}.
 *
 * <pre>{@code
 * BusOptions options = BusOptions.builder()
 *         .broker("amqp://broker.example.com:5672")
 *         .credentials("alice", System.getenv("XQBUS_PASSWORD"))
 *         .source("billing")
 *         .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class BusOptions {

    /** The broker a bus connects to when none is given. */
    public static final String DEFAULT_BROKER = "amqp://127.0.0.1:5672";
    /** The address prefix events are published under (brief §3). */
    public static final String DEFAULT_PREFIX = "xqbus.events";
    /** How long connecting may take before the broker counts as unavailable. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The first host of a broker URI, plain or in a failover list (an IPv6 address in brackets). */
    private static final java.util.regex.Pattern FIRST_HOST = java.util.regex.Pattern.compile(
            "amqps?://(?:[^@/]*@)?(\\[[^]]+]|[^:/?,)]+)");

    private final String broker;
    private final String user;
    private final String password;
    private final String prefix;
    private final String source;
    private final SchemaSet schemas;
    private final Limits limits;
    private final BusListener listener;
    private final boolean persistent;
    private final boolean validateIncoming;
    private final Duration connectTimeout;
    private final boolean reconnect;
    private final String watchedSchemas;
    private final BrokerKind brokerKind;
    private final String managementUri;
    private final Path trustStore;
    private final char[] trustStorePassword;

    private BusOptions(Builder b) {
        this.broker = b.broker;
        this.user = b.user;
        this.password = b.password;
        this.prefix = b.prefix;
        this.source = b.source != null ? b.source : defaultSource();
        this.schemas = b.schemas;
        this.limits = b.limits;
        this.listener = b.listener;
        this.persistent = b.persistent;
        this.validateIncoming = b.validateIncoming;
        this.connectTimeout = b.connectTimeout;
        this.reconnect = b.reconnect;
        this.watchedSchemas = b.watchedSchemas;
        this.brokerKind = b.brokerKind;
        this.managementUri = b.managementUri;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from the environment and the configuration file, as the commands resolve them when no
     * option is given: for each setting its environment variable ({@code XQBUS_BROKER}, {@code XQBUS_BROKER_KIND},
     * {@code XQBUS_MANAGEMENT_URI}, {@code XQBUS_PREFIX}, {@code XQBUS_SOURCE}, {@code XQBUS_SCHEMAS},
     * {@code XQBUS_USER}, {@code XQBUS_TRUST_STORE}), else the profile {@code XQBUS_PROFILE} names, else the
     * file's plain keys (see {@link #fromProfile(String)} for the file). The password is read from
     * {@code XQBUS_PASSWORD} (or the variable {@code password-env} names), the trust store's from the variable
     * {@code trust-store-password-env} names.
     *
     * @throws ConfigurationException when the file is broken, the profile is unknown, a password variable is
     *                                named but unset, or the trust store does not exist
     * @throws SchemaException        when the settings name a schema directory that does not compile
     */
    public static Builder fromEnvironment() throws XqBusException {
        return fromEnvironment(System.getenv());
    }

    static Builder fromEnvironment(java.util.Map<String, String> env) throws XqBusException {
        return resolve(null, env);
    }

    /**
     * A builder preset from a named profile of the configuration file ({@code ~/.config/xqbus/xqbus.properties},
     * or {@code $XDG_CONFIG_HOME/xqbus/xqbus.properties}, or the file {@code XQBUS_CONFIG} names), where
     * {@code profile.NAME.broker}, {@code .broker-kind}, {@code .management-uri}, {@code .prefix}, {@code .source},
     * {@code .schemas}, {@code .user}, {@code .password-env} (the environment variable holding the password),
     * {@code .trust-store} and {@code .trust-store-password-env} describe one connection; plain keys without a
     * profile are the defaults. The commands select the same profiles with {@code --profile}, and resolve them
     * the same way: an environment variable ({@code XQBUS_BROKER}, …) overrides the profile, as in
     * {@link #fromEnvironment()}.
     *
     * <pre>{@code
     * # ~/.config/xqbus/xqbus.properties
     * profile.prod.broker = failover:(amqps://mq1:5671,amqps://mq2:5671)
     * profile.prod.user = billing
     * profile.prod.password-env = BILLING_MQ_PASSWORD
     * profile.dev.broker = amqp://127.0.0.1:5672
     *
     * XqBus bus = XqBus.connect(BusOptions.fromProfile("prod").build());
     * }</pre>
     *
     * @throws SchemaException        when the profile names a schema directory that does not compile
     * @throws ConfigurationException when the file is broken, the profile is unknown, its password variable is
     *                                unset or its trust store does not exist
     */
    public static Builder fromProfile(String name) throws XqBusException {
        return fromProfile(name, System.getenv());
    }

    static Builder fromProfile(String name, java.util.Map<String, String> env) throws XqBusException {
        return resolve(Objects.requireNonNull(name, "name"), env);
    }

    private static Builder resolve(String profile, java.util.Map<String, String> env) throws XqBusException {
        io.xqbus.internal.config.ConnectionSettings settings = null;
        try {
            settings = io.xqbus.internal.config.ConnectionSettings.load(env, profile, java.util.Map.of());
            Builder b = settings.toBuilder();
            if (settings.get("schemas") != null) {
                b.schemas(SchemaSet.fromOption(settings.get("schemas")));
            }
            return b;
        } catch (io.xqbus.internal.config.ConnectionSettings.Problem e) {
            Path file = settings != null ? settings.path() : io.xqbus.internal.config.ConfigFile.locate(env);
            String message = e.hint() == null ? e.getMessage() : e.getMessage() + " (" + e.hint() + ")";
            throw new ConfigurationException(message, new Location(String.valueOf(file), 0, 0, null), null);
        }
    }

    /** A builder starting from these options. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.broker = broker;
        b.user = user;
        b.password = password;
        b.prefix = prefix;
        b.source = source;
        b.schemas = schemas;
        b.limits = limits;
        b.listener = listener;
        b.persistent = persistent;
        b.validateIncoming = validateIncoming;
        b.connectTimeout = connectTimeout;
        b.reconnect = reconnect;
        b.watchedSchemas = watchedSchemas;
        b.brokerKind = brokerKind;
        b.managementUri = managementUri;
        b.trustStore = trustStore;
        b.trustStorePassword = trustStorePassword;
        return b;
    }

    /** The broker URI (qpid-jms syntax: {@code amqp://}, {@code amqps://}, {@code failover:(…)}). */
    public String broker() {
        return broker;
    }

    /** The user name, or null for an anonymous connection. */
    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** The trust store for TLS ({@code amqps://}) connections, or null for the JVM's default trust. */
    public Path trustStore() {
        return trustStore;
    }

    char[] trustStorePassword() {
        return trustStorePassword;
    }

    /** The address prefix. */
    public String prefix() {
        return prefix;
    }

    /** The source name put on published events (default: the host name). */
    public String source() {
        return source;
    }

    /** The schema set, or null for the predefined events. */
    public SchemaSet schemas() {
        return schemas;
    }

    /** Size and depth limits. */
    public Limits limits() {
        return limits;
    }

    /** The listener, never null. */
    public BusListener listener() {
        return listener;
    }

    /** Whether events are sent persistent (the default), so they survive a broker restart in durable subscriptions. */
    public boolean persistent() {
        return persistent;
    }

    /** Whether consumers validate incoming events against the schema set (off by default, as in the lineage). */
    public boolean validateIncoming() {
        return validateIncoming;
    }

    /** How long connecting may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The watched schema directory option ({@code DIR} or {@code +DIR}), or null. */
    public String watchedSchemas() {
        return watchedSchemas;
    }

    /** Whether the bus reconnects for ever with backoff (long-running consumers) instead of failing fast. */
    public boolean reconnect() {
        return reconnect;
    }

    /** Which kind of broker this is (default {@link BrokerKind#STANDARD}). */
    public BrokerKind brokerKind() {
        return brokerKind;
    }

    /**
     * RabbitMQ's management API, where the bus declares group and dead-letter queues: the URI given, else
     * {@code http://HOST:15672} for the first host of the broker URI; {@code none} when the operator declares
     * them. Meaningless for other kinds.
     */
    public String managementUri() {
        if (managementUri != null) {
            return managementUri;
        }
        java.util.regex.Matcher m = FIRST_HOST.matcher(broker);
        return "http://" + (m.find() ? m.group(1) : "127.0.0.1") + ":15672";
    }

    @Override
    public String toString() {
        return "BusOptions[broker=" + broker + ", kind=" + brokerKind.name().toLowerCase(java.util.Locale.ROOT) + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", prefix=" + prefix + ", source=" + source
                + (trustStore == null ? "" : ", trustStore=" + trustStore) + "]";
    }

    private static String defaultSource() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                host = null;
            }
        }
        return host == null || host.isBlank() ? "localhost" : host;
    }

    /** Collects options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private String broker = DEFAULT_BROKER;
        private String user;
        private String password;
        private String prefix = DEFAULT_PREFIX;
        private String source;
        private SchemaSet schemas;
        private Limits limits = Limits.DEFAULT;
        private BusListener listener = new BusListener() { };
        private boolean persistent = true;
        private boolean validateIncoming;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private boolean reconnect;
        private String watchedSchemas;
        private BrokerKind brokerKind = BrokerKind.STANDARD;
        private String managementUri;
        private Path trustStore;
        private char[] trustStorePassword;

        private Builder() {
        }

        /** The broker URI. */
        public Builder broker(String uri) {
            this.broker = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The broker URI. */
        public Builder broker(java.net.URI uri) {
            return broker(uri.toString());
        }

        /** SASL credentials; a null user means anonymous. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * The trust store (PKCS12 or JKS) holding the broker's certificate or its CA, for {@code amqps://}
         * connections. It is opened by the bus itself and handed to qpid-jms as an SSL context, so its password
         * never becomes part of a URI, a log line or a message. Overrides {@code transport.trustStore…} URI options.
         *
         * @param password the store's password, or null for a store without one
         */
        public Builder trustStore(Path store, char[] password) {
            this.trustStore = Objects.requireNonNull(store, "store");
            this.trustStorePassword = password == null ? null : password.clone();
            return this;
        }

        /** The address prefix (default {@value BusOptions#DEFAULT_PREFIX}). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** The source name put on published events (default: the host name). */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** The schema set (default: the predefined events). */
        public Builder schemas(SchemaSet schemas) {
            this.schemas = schemas;
            return this;
        }

        /** Size and depth limits. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Hears about filter errors, rejected messages, failing handlers, connection trouble. */
        public Builder listener(BusListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Send persistent (true, the default) or non-persistent messages. */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /** Validate incoming events against the schema set before filtering (default false). */
        public Builder validateIncoming(boolean validate) {
            this.validateIncoming = validate;
            return this;
        }

        /** How long connecting may take (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Uses the schema set of a directory and keeps it live (brief §5): {@code DIR} replaces the predefined
         * events, {@code +DIR} adds to them, as {@code --schemas}. A new, changed or removed XSD takes effect
         * without a restart; a change that does not compile is refused (logged with file, line and column,
         * reported to {@link BusListener#schemasRefused}) and the last good set stays. Each accepted change is
         * announced on the bus as a {@code SchemaChanged} event. Replaces {@link #schemas(SchemaSet)}.
         */
        public Builder watchSchemas(String option) {
            this.watchedSchemas = Objects.requireNonNull(option, "option");
            return this;
        }

        /**
         * Reconnect for ever with backoff when the broker goes away, resuming every subscription (for
         * long-running consumers; default false: fail fast, as one-shot commands should). With a
         * {@code failover:(…)} URI the bus also moves to the next broker of the list.
         */
        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        /**
         * Which kind of broker the URI points at (default {@link BrokerKind#STANDARD}: Artemis and other brokers
         * with AMQP transactions and shared subscriptions); {@link BrokerKind#RABBITMQ} adapts addresses,
         * groups and dead letters to RabbitMQ 3.x.
         */
        public Builder brokerKind(BrokerKind kind) {
            this.brokerKind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * For {@link BrokerKind#RABBITMQ}: the management API ({@code http://host:15672}, or
         * {@code http://host:15672/VHOST} for another virtual host) where the bus declares group and
         * dead-letter queues, with the bus's credentials; {@code none} when the operator declares them (see
         * README, "Brokers and clusters"). Default: port 15672 of the broker's host.
         */
        public Builder managementUri(String uri) {
            this.managementUri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when they contradict each other
         */
        public BusOptions build() {
            if (prefix.isEmpty() || prefix.endsWith(".") || prefix.contains("#") || prefix.contains("*")) {
                throw new IllegalArgumentException("prefix '" + prefix + "' must be a non-empty address without wildcards or a trailing dot");
            }
            if (user == null && password != null) {
                throw new IllegalArgumentException("a password was given without a user");
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            return new BusOptions(this);
        }
    }
}
