package io.xqbus.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.stream.Stream;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Apache ActiveMQ Artemis running in this JVM with one AMQP acceptor on 127.0.0.1, configured the way
 * xqbus expects a broker to be: every address under the event prefix is a multicast topic by default,
 * {@code topic://} and {@code queue://} prefixes from foreign clients land on the same addresses, and
 * the dead-letter address {@code xqbus.dead-letter} is a queue that keeps what it is given.
 *
 * <p>It exists so that a laptop, a demo and the test suite need nothing installed. Production runs a
 * real broker (or cluster) instead. Non-persistent unless a data directory is given. Start it with
 * {@link #start()}, stop it with {@link #close()}; {@link #uri()} is what clients connect to.
 * Not thread-safe: start and stop it from one thread.
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.builder().build().start()) {
 *     System.out.println(broker.uri());   // amqp://127.0.0.1:40123
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The address prefix events are published under, unless the builder names another. */
    public static final String DEFAULT_PREFIX = "xqbus.events";
    /** Where consumers put what they could not process (brief §8). */
    public static final String DEAD_LETTER_ADDRESS = "xqbus.dead-letter";
    /**
     * How often the broker delivers an event that a consumer rolls back before it moves the event to
     * {@link #DEAD_LETTER_ADDRESS} itself: above a consumer group's in-process attempts (brief §8), so it
     * only acts for a member that cannot dead-letter (no right to publish there) or that crashes each time.
     */
    public static final int MAX_DELIVERY_ATTEMPTS = 20;

    private final int requestedPort;
    private final Path dataDirectory;
    private final String prefix;
    private final long globalMaxSizeBytes;
    private final Map<String, User> users;
    private final Path keyStore;
    private final String keyStorePassword;
    private final HaRole haRole;
    private final int peerPort;
    private final List<Integer> clusterPeers;

    /** The part a broker plays in a replicated primary/backup pair. */
    public enum HaRole {
        /** Serves clients and replicates its journal to the backup. */
        PRIMARY,
        /** Keeps a replica and takes over when the primary stops or fails. */
        BACKUP
    }
    private final Map<String, Map<String, EnumSet<Permission>>> permissions;

    private EmbeddedActiveMQ server;
    private Path scratchDirectory;
    private int port;

    private EmbeddedBroker(Builder builder) {
        this.requestedPort = builder.port;
        this.dataDirectory = builder.dataDirectory;
        this.prefix = builder.prefix;
        this.globalMaxSizeBytes = builder.globalMaxSizeBytes;
        this.users = Map.copyOf(builder.users);
        this.keyStore = builder.keyStore;
        this.keyStorePassword = builder.keyStorePassword;
        this.haRole = builder.haRole;
        this.peerPort = builder.peerPort;
        this.clusterPeers = List.copyOf(builder.clusterPeers);
        Map<String, Map<String, EnumSet<Permission>>> p = new LinkedHashMap<>();
        builder.permissions.forEach((match, roles) -> p.put(match, Map.copyOf(roles)));
        this.permissions = p;
    }

    /** What a role may do on the addresses a permission names. */
    public enum Permission {
        /** Send events (and create the address on first use). */
        PUBLISH,
        /**
         * Subscribe and receive: create and read subscription queues, durable or not, and delete the
         * non-durable ones a consumer leaves. Deleting a durable consumer group is {@link #DELETE_GROUP}.
         */
        CONSUME,
        /**
         * Delete a durable consumer group and the events it holds ({@code listenevents --unsubscribe}; Artemis
         * {@code deleteDurableQueue}). Not implied by {@link #CONSUME}, so one team cannot delete another's group.
         */
        DELETE_GROUP
    }

    private record User(String password, Set<String> roles) {
    }

    /** A builder with the defaults: a free port, non-persistent, prefix {@value #DEFAULT_PREFIX}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Why a broker did not start: {@link StartException#reason()} tells a taken port from a bad key store, so
     * a command can exit with the right code.
     */
    public static final class StartException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        /** What stood in the way. */
        public enum Reason {
            /** Something else listens on the port. */
            PORT_IN_USE,
            /** The TLS key store cannot be read or opened with its password. */
            KEY_STORE,
            /** Anything else (the message says what). */
            OTHER
        }

        private final Reason reason;

        StartException(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        /** What stood in the way. */
        public Reason reason() {
            return reason;
        }
    }

    /**
     * Starts the broker and returns it once its acceptor is bound (for one of a replicated pair: once it
     * started; it serves clients when it is active). Calling it again after {@link #stop()} starts it again on the same port (and with the same
     * data, when persistent).
     *
     * @throws StartException if the broker cannot start: the port is taken, the key store does not open, or
     *                        the acceptor did not bind
     */
    public EmbeddedBroker start() {
        if (server != null) {
            return this;
        }
        if (port == 0) {
            try {
                port = requestedPort != 0 ? requestedPort : freePort();
            } catch (IOException e) {
                throw new StartException(StartException.Reason.OTHER, "cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
            }
        }
        // checked before Artemis tries, which would only log a stack trace and run on without an acceptor
        checkKeyStore();
        if (!portIsFree(port)) {
            throw new StartException(StartException.Reason.PORT_IN_USE, "port " + port + " on 127.0.0.1 is already in use", null);
        }
        try {
            EmbeddedActiveMQ s = new EmbeddedActiveMQ();
            s.setConfiguration(configuration());
            if (!users.isEmpty()) {
                SecurityConfiguration security = new SecurityConfiguration();
                users.forEach((name, user) -> {
                    security.addUser(name, user.password());
                    user.roles().forEach(role -> security.addRole(name, role));
                });
                s.setSecurityManager(new ActiveMQSecurityManagerImpl(security));
            }
            s.start();
            // one of a replicated pair activates on its own time (a backup only when it takes over): not checked
            var remoting = haRole == null ? s.getActiveMQServer().getRemotingService() : null;
            var acceptor = remoting == null ? null : remoting.getAcceptor("amqp");
            if (haRole == null && (acceptor == null || !acceptor.isStarted())) {
                s.stop();
                throw portIsFree(port)
                        ? new StartException(StartException.Reason.OTHER, "the AMQP acceptor on 127.0.0.1:" + port + " did not start", null)
                        : new StartException(StartException.Reason.PORT_IN_USE, "port " + port + " on 127.0.0.1 is already in use", null);
            }
            server = s;
            return this;
        } catch (StartException e) {
            throw e;
        } catch (Exception e) {
            throw new StartException(StartException.Reason.OTHER, "the embedded broker could not start on 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** Opens the key store with its password, as the acceptor will, so that a mistake is one clear line. */
    private void checkKeyStore() {
        if (keyStore == null) {
            return;
        }
        if (!Files.isReadable(keyStore)) {
            throw new StartException(StartException.Reason.KEY_STORE, keyStore + ": cannot read the TLS key store (no such file, or not readable)", null);
        }
        try {
            java.security.KeyStore keys = java.security.KeyStore.getInstance(keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            try (var in = Files.newInputStream(keyStore)) {
                keys.load(in, keyStorePassword.toCharArray());
            }
            boolean hasKey = false;
            for (var aliases = keys.aliases(); aliases.hasMoreElements(); ) {
                hasKey |= keys.isKeyEntry(aliases.nextElement());
            }
            if (!hasKey) {
                throw new StartException(StartException.Reason.KEY_STORE, keyStore + ": the TLS key store holds no private key", null);
            }
        } catch (IOException e) {
            boolean password = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("password");
            throw new StartException(StartException.Reason.KEY_STORE, keyStore + (password
                    ? ": the TLS key store does not open with the password given (wrong password?)"
                    : ": cannot read the TLS key store (" + (keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12") + " expected)"), null);
        } catch (java.security.GeneralSecurityException e) {
            throw new StartException(StartException.Reason.KEY_STORE, keyStore + ": cannot use the TLS key store: " + e.getMessage(), null);
        }
    }

    /** Whether nothing listens on the port on 127.0.0.1 (bound the way the acceptor binds, with address reuse). */
    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the broker; it can be started again with {@link #start()}. Persistent data are kept. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not stop cleanly: " + e, e);
        } finally {
            server = null;
        }
    }

    /** Stops the broker and removes its scratch files (never a data directory that was given). */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (scratchDirectory != null) {
                deleteTree(scratchDirectory);
                scratchDirectory = null;
            }
        }
    }

    /** The AMQP URI clients connect to, for example {@code amqp://127.0.0.1:40123} ({@code amqps://} with TLS). */
    public URI uri() {
        if (port == 0) {
            throw new IllegalStateException("the broker has not been started");
        }
        return URI.create((keyStore != null ? "amqps" : "amqp") + "://127.0.0.1:" + port);
    }

    /** The TCP port of the AMQP acceptor (0 before the first start). */
    public int port() {
        return port;
    }

    /** Whether the broker is running now. */
    public boolean isRunning() {
        return server != null;
    }

    /** Whether the broker serves clients now (a backup only after it took over). */
    public boolean isActive() {
        return server != null && server.getActiveMQServer().isActive();
    }

    /** For a cluster node: how many nodes (itself included) its cluster connection knows now. */
    public int clusterNodes() {
        requireRunning();
        var connections = server.getActiveMQServer().getClusterManager().getClusterConnections();
        return connections.isEmpty() ? 1 : connections.iterator().next().getNodes().size() + 1;
    }

    /** For a backup: whether its replica is in sync with the primary (it can take over without loss). */
    public boolean isReplicaSync() {
        return server != null && server.getActiveMQServer().isReplicaSync();
    }

    /**
     * Stops a primary so that its backup takes over (as in a planned shutdown of one node of a pair).
     * Clients with a {@code failover:(…)} URI move to the backup.
     */
    public void stopAndFailOver() {
        requireRunning();
        try {
            server.getActiveMQServer().stop(true, false);
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop cleanly: " + e, e);
        } finally {
            server = null;
        }
    }

    /** Whether security is on (users defined): every connection must authenticate. */
    public boolean isSecure() {
        return !users.isEmpty();
    }

    /** Whether messages and durable subscriptions survive a restart. */
    public boolean isPersistent() {
        return dataDirectory != null;
    }

    /** The event address prefix this broker makes multicast. */
    public String prefix() {
        return prefix;
    }

    /**
     * The number of messages waiting in the queues bound to an address (for tests and the status line).
     *
     * @return the count, or 0 when the address does not exist
     */
    public long messageCount(String address) {
        requireRunning();
        var binding = server.getActiveMQServer().getPostOffice();
        try {
            long total = 0;
            for (var b : binding.getBindingsForAddress(SimpleString.of(address)).getBindings()) {
                if (b instanceof org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding lqb) {
                    total += lqb.getQueue().getMessageCount();
                }
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("cannot count messages on " + address + ": " + e, e);
        }
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("the broker is not running");
        }
    }

    private Configuration configuration() throws IOException {
        Path base = dataDirectory;
        if (base == null) {
            if (scratchDirectory == null) {
                scratchDirectory = Files.createTempDirectory("xqbus-broker-");
            }
            base = scratchDirectory;
        }
        ConfigurationImpl c = new ConfigurationImpl();
        c.setName("xqbus-embedded");
        c.setPersistenceEnabled(dataDirectory != null);
        c.setSecurityEnabled(!users.isEmpty());
        // Artemis applies only the most specific matching entry; a grant on a broad match must still hold
        // for narrower ones, so each entry also carries the grants of every broader match that covers it
        permissions.forEach((match, ignored) -> {
            Map<String, EnumSet<Permission>> roles = new LinkedHashMap<>();
            permissions.forEach((other, grants) -> {
                if (covers(other, match)) {
                    grants.forEach((role, perms) -> roles.computeIfAbsent(role, r -> EnumSet.noneOf(Permission.class)).addAll(perms));
                }
            });
            Set<Role> set = new HashSet<>();
            roles.forEach((role, perms) -> {
                boolean pub = perms.contains(Permission.PUBLISH);
                boolean con = perms.contains(Permission.CONSUME);
                boolean delete = perms.contains(Permission.DELETE_GROUP);
                // name, send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue,
                // deleteNonDurableQueue, manage, browse, createAddress, deleteAddress
                set.add(new Role(role, pub, con, con, delete, con, con, false, con, pub || con, false));
            });
            c.putSecurityRoles(match, set);
        });
        // consumers learn from the broker where an event really arrived, whatever the producer wrote in 'to'
        c.registerBrokerPlugin(new AddressStampPlugin(prefix));
        c.setJMXManagementEnabled(false);
        c.setJournalType(JournalType.NIO);
        c.setMaxDiskUsage(100);
        c.setGlobalMaxSize(globalMaxSizeBytes);
        c.setBrokerInstance(base.toFile());
        c.setJournalDirectory(base.resolve("journal").toString());
        c.setBindingsDirectory(base.resolve("bindings").toString());
        c.setPagingDirectory(base.resolve("paging").toString());
        c.setLargeMessagesDirectory(base.resolve("large-messages").toString());
        c.setNodeManagerLockDirectory(base.resolve("lock").toString());
        try {
            String tls = keyStore == null ? "" : ";sslEnabled=true;keyStorePath=" + keyStore.toAbsolutePath()
                    + ";keyStorePassword=" + keyStorePassword
                    + ";keyStoreType=" + (keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            c.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port
                    + "?protocols=" + (haRole == null && clusterPeers.isEmpty() ? "AMQP" : "AMQP,CORE") + ";anycastPrefix=queue://;multicastPrefix=topic://" + tls);
            if (haRole != null) {
                // a replicated pair on loopback: a core cluster connection to the peer carries the replication
                c.addConnectorConfiguration("self", "tcp://127.0.0.1:" + port);
                c.addConnectorConfiguration("peer", "tcp://127.0.0.1:" + peerPort);
                c.addClusterConfiguration(new ClusterConnectionConfiguration().setName("xqbus-ha").setConnectorName("self")
                        .setStaticConnectors(List.of("peer")).setRetryInterval(100).setReconnectAttempts(-1));
                c.setClusterUser("xqbus-cluster");
                c.setClusterPassword("xqbus-cluster-" + Math.min(port, peerPort) + "-" + Math.max(port, peerPort));
                c.setHAPolicyConfiguration(haRole == HaRole.PRIMARY
                        ? new ReplicatedPolicyConfiguration().setClusterName("xqbus-ha").setCheckForActiveServer(true)
                        : new ReplicaPolicyConfiguration().setClusterName("xqbus-ha").setAllowFailBack(false));
            }
            if (!clusterPeers.isEmpty()) {
                // a symmetric cluster: every node serves clients; messages move to where consumers are
                c.addConnectorConfiguration("self", "tcp://127.0.0.1:" + port);
                List<String> peers = new java.util.ArrayList<>();
                for (int peer : clusterPeers) {
                    c.addConnectorConfiguration("peer-" + peer, "tcp://127.0.0.1:" + peer);
                    peers.add("peer-" + peer);
                }
                c.addClusterConfiguration(new ClusterConnectionConfiguration().setName("xqbus-cluster").setConnectorName("self")
                        .setStaticConnectors(peers).setRetryInterval(100).setReconnectAttempts(-1)
                        .setMessageLoadBalancingType(org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType.ON_DEMAND));
                c.setClusterUser("xqbus-cluster");
                c.setClusterPassword("xqbus-cluster-loopback");
            }
        } catch (Exception e) {
            throw new IllegalStateException("bad acceptor configuration: " + e, e);
        }

        // Every address: where undeliverable and expired messages go (silences per-queue warnings).
        c.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                .setExpiryAddress(SimpleString.of("xqbus.expired"))
                .setAutoCreateDeadLetterResources(false)
                .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        // Every address under the prefix (and the bare prefix) is a topic, whoever creates it first.
        AddressSettings events = new AddressSettings()
                .setDefaultAddressRoutingType(RoutingType.MULTICAST)
                .setDefaultQueueRoutingType(RoutingType.MULTICAST)
                .setAutoCreateAddresses(true)
                .setAutoDeleteAddresses(true)
                .setAutoCreateQueues(true)
                .setAutoDeleteQueues(true)
                .setRedistributionDelay(0);   // in a cluster, move waiting events to a node whose group member runs
        c.addAddressSetting(prefix + ".#", events);
        c.addAddressSetting(prefix, events);
        // The dead-letter address keeps its messages in a queue of the same name.
        c.addAddressConfiguration(new CoreAddressConfiguration()
                .setName(DEAD_LETTER_ADDRESS)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfig(QueueConfiguration.of(DEAD_LETTER_ADDRESS).setRoutingType(RoutingType.ANYCAST)));
        c.addAddressSetting(DEAD_LETTER_ADDRESS, new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(""))
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false));
        return c;
    }

    /** Whether the Artemis match {@code pattern} ('.' words, '*' one word, '#' any) covers every address {@code match} does. */
    static boolean covers(String pattern, String match) {
        return covers(pattern.split("\\."), 0, match.split("\\."), 0);
    }

    private static boolean covers(String[] p, int i, String[] m, int j) {
        if (i == p.length) {
            return j == m.length;
        }
        if (p[i].equals("#")) {
            for (int k = j; k <= m.length; k++) {
                if (covers(p, i + 1, m, k)) {
                    return true;
                }
            }
            return false;
        }
        if (j == m.length || m[j].equals("#")) {
            return false;
        }
        return (p[i].equals("*") || p[i].equals(m[j])) && !(m[j].equals("*") && !p[i].equals("*")) && covers(p, i + 1, m, j + 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options of an {@link EmbeddedBroker}; {@link #build()} does not start it. */
    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private String prefix = DEFAULT_PREFIX;
        private long globalMaxSizeBytes = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
        private final Map<String, User> users = new LinkedHashMap<>();
        private Path keyStore;
        private String keyStorePassword;
        private HaRole haRole;
        private int peerPort;
        private final List<Integer> clusterPeers = new java.util.ArrayList<>();
        private final Map<String, Map<String, EnumSet<Permission>>> permissions = new LinkedHashMap<>();

        private Builder() {
        }

        /** The TCP port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /** Makes the broker persistent, keeping its journal in this directory (created if needed). */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** The event address prefix; every address under it is multicast. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Memory for messages before the broker pages them to disk (default: a quarter of the heap, at most 256 MiB). */
        public Builder globalMaxSize(long bytes) {
            this.globalMaxSizeBytes = bytes;
            return this;
        }

        /**
         * Adds a user; the first one turns security on, so every connection must then authenticate (SASL
         * PLAIN) and may only do what {@link #permit} grants its roles.
         */
        public Builder user(String name, String password, String... roles) {
            users.put(Objects.requireNonNull(name, "name"), new User(Objects.requireNonNull(password, "password"), Set.of(roles)));
            return this;
        }

        /**
         * Grants a role permissions on the addresses an Artemis match names ({@code #} for all,
         * {@code xqbus.events.#}, {@code xqbus.events.PhoneStatus}). Without a grant, nothing is allowed.
         */
        public Builder permit(String addressMatch, String role, Permission... granted) {
            EnumSet<Permission> set = permissions.computeIfAbsent(addressMatch, k -> new LinkedHashMap<>())
                    .computeIfAbsent(role, k -> EnumSet.noneOf(Permission.class));
            set.addAll(List.of(granted));
            return this;
        }

        /**
         * Reads users, roles and permissions from a file (security on). Lines:
         * <pre>
         * # user.NAME = PASSWORD, ROLE[, ROLE…]
         * user.alice = s3cret, producers
         * # permit.ROLE = PERMISSION[+PERMISSION…] ADDRESS-MATCH[; …]   (publish, consume, delete-group)
         * permit.producers = publish xqbus.events.#
         * permit.readers = consume xqbus.events.#; consume xqbus.dead-letter
         * permit.operators = consume+delete-group xqbus.events.#
         * </pre>
         *
         * @throws IllegalArgumentException naming the file and line of a mistake
         */
        public Builder securityFile(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read the security file: " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                String where = file + ":" + (i + 1) + ": ";
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(where + "expected 'user.NAME = …' or 'permit.ROLE = …'");
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (key.startsWith("user.")) {
                    String[] parts = value.split("\\s*,\\s*");
                    if (parts.length < 1 || parts[0].isEmpty()) {
                        throw new IllegalArgumentException(where + "a user needs a password");
                    }
                    user(key.substring(5), parts[0], java.util.Arrays.copyOfRange(parts, 1, parts.length));
                } else if (key.startsWith("permit.")) {
                    String role = key.substring(7);
                    for (String grant : value.split("\\s*;\\s*")) {
                        String[] g = grant.strip().split("\\s+");
                        if (g.length != 2) {
                            throw new IllegalArgumentException(where + "write 'PERMISSION[+PERMISSION…] ADDRESS-MATCH' (publish, consume, delete-group), not '"
                                    + grant + "'");
                        }
                        List<Permission> granted = new java.util.ArrayList<>();
                        for (String p : g[0].split("\\+")) {
                            switch (p) {
                                case "publish" -> granted.add(Permission.PUBLISH);
                                case "consume" -> granted.add(Permission.CONSUME);
                                case "delete-group" -> granted.add(Permission.DELETE_GROUP);
                                default -> throw new IllegalArgumentException(where + "unknown permission '" + p
                                        + "' (publish, consume, delete-group)");
                            }
                        }
                        permit(g[1], role, granted.toArray(new Permission[0]));
                    }
                } else {
                    throw new IllegalArgumentException(where + "unknown key '" + key + "' (user.NAME, permit.ROLE)");
                }
            }
            if (users.isEmpty()) {
                throw new IllegalArgumentException(file + ": no user defined; security would lock everyone out");
            }
            return this;
        }

        /**
         * Makes this broker one of a replicated primary/backup pair on loopback with the broker on
         * {@code peerPort} (which is configured the other way round). Needs a fixed {@link #port} and a
         * {@link #dataDirectory}: replication copies the journal. For tests and demos of failover; production
         * pairs are configured in the broker's own files.
         */
        public Builder replication(HaRole role, int peerPort) {
            this.haRole = Objects.requireNonNull(role, "role");
            this.peerPort = peerPort;
            return this;
        }

        /**
         * Makes this broker a node of a symmetric cluster on loopback with the brokers on {@code peerPorts}:
         * every node serves clients and messages are load-balanced to the nodes where consumers are. Events
         * already on a node that stops wait there until it returns (use a primary/backup pair for no-loss
         * failover). Needs a fixed {@link #port}.
         */
        public Builder cluster(int... peerPorts) {
            for (int p : peerPorts) {
                clusterPeers.add(p);
            }
            return this;
        }

        /** Serves AMQP over TLS only ({@code amqps://}), with the key and certificate in this key store (PKCS12, or JKS by name). */
        public Builder tls(Path keyStore, String password) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = Objects.requireNonNull(password, "password");
            return this;
        }

        public EmbeddedBroker build() {
            if (!clusterPeers.isEmpty() && (port == 0 || haRole != null)) {
                throw new IllegalArgumentException("a cluster node needs a fixed port and is not also one of a replicated pair");
            }
            if (haRole != null && (port == 0 || dataDirectory == null || peerPort == 0)) {
                throw new IllegalArgumentException("a replicated broker needs a fixed port, a peer port and a data directory");
            }
            return new EmbeddedBroker(this);
        }
    }
}
