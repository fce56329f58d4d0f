package io.xqbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.InputSource;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;

import io.xqbus.internal.amqp.JmsSupport;
import io.xqbus.internal.amqp.RabbitMqManagement;
import io.xqbus.internal.typed.JaxbBinding;
import io.xqbus.internal.xml.SecureXml;
import io.xqbus.internal.xml.XmlWriter;

/**
 * A connection to the event bus: publish validated events, subscribe XQuery filters. Start here.
 *
 * <p>One {@code XqBus} holds one AMQP connection to the broker and is one producer (brief §2): every event
 * it publishes carries its producer id and the next sequence number. Publishing validates the payload
 * against its XSD first and returns only after the broker accepted the event. Subscribing compiles the
 * filters, attaches to {@code PREFIX.#}, and calls the handler on a delivery thread of the subscription.
 * Thread-safe: share one bus per application. Close it to close every subscription and the connection.
 *
 * <pre>{@code
 * try (XqBus bus = XqBus.connect(BusOptions.builder().broker("amqp://127.0.0.1:5672").build())) {
 *     Subscription busy = bus.subscribe(
 *             "declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:PhoneStatus[f:Status='busy']",
 *             match -> System.out.println(match.event().value("CallerId") + " is busy"));
 *     bus.publish(EventBuilder.of("PhoneStatus")
 *             .add("CallerId", "012345").add("ReceiverId", "12343424").add("Status", "busy"));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class XqBus implements AutoCloseable {

    /** Application property names set on every published message (brief §3). */
    public static final String PROP_ID = "xqbus_id";
    public static final String PROP_TYPE = "xqbus_type";
    public static final String PROP_NS = "xqbus_ns";
    public static final String PROP_SOURCE = "xqbus_source";
    public static final String PROP_PRODUCER = "xqbus_producer";
    public static final String PROP_SEQ = "xqbus_seq";
    /**
     * The address the broker routed a message to, written by the broker (the embedded broker's
     * {@code io.xqbus.broker.AddressStampPlugin}), never by producers: it tells a consumer on {@code PREFIX.#} which
     * event type the producer was allowed to publish (brief §10).
     */
    public static final String PROP_ADDRESS = "xqbus_address";

    /** Messages a consumer holds ahead of processing; low, so large events cannot pile up (brief §8). */
    static final int PREFETCH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(XqBus.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    private final BusOptions options;
    private volatile SchemaSet schemas;
    private SchemaWatcher schemaWatcher;
    private final Connection connection;
    private final String producerId = UUID.randomUUID().toString();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    private final BusCounters counters = new BusCounters();
    private final Object publishLock = new Object();
    private Session publishSession;
    private final Map<String, MessageProducer> producers = new HashMap<>();
    private long seq;
    private volatile boolean closed;

    private XqBus(BusOptions options, SchemaSet schemas, Connection connection) {
        this.options = options;
        this.schemas = schemas;
        this.connection = connection;
    }

    /**
     * Connects to the broker the options name.
     *
     * @throws BrokerUnavailableException when the broker cannot be reached in the connect timeout
     * @throws NotAuthorizedException     when it refuses the credentials
     * @throws SchemaException            when no schema set was given and the predefined one cannot load
     * @throws ConfigurationException     when a broker-URI option is unknown (misspelt) or the trust store cannot be opened
     */
    public static XqBus connect(BusOptions options) throws XqBusException {
        Objects.requireNonNull(options, "options");
        SchemaSet schemas = options.watchedSchemas() != null ? SchemaSet.fromOption(options.watchedSchemas())
                : options.schemas() != null ? options.schemas() : SchemaSet.predefined();
        String base = options.reconnect() ? JmsSupport.reconnecting(options.broker()) : options.broker();
        if (options.brokerKind() == BrokerKind.RABBITMQ) {
            base = JmsSupport.forRabbitMq(base);
        }
        String uri = JmsSupport.withDefaults(base, options.connectTimeout(), PREFETCH, options.reconnect());
        JmsConnectionFactory factory = JmsSupport.factory(uri, options.broker());
        // publish returns once the broker accepted the event in every delivery mode: qpid-jms would send
        // non-persistent messages without waiting for the broker's disposition, so a refusal never surfaced.
        factory.setForceSyncSend(true);
        if (options.user() != null) {
            factory.setUsername(options.user());
            factory.setPassword(options.password());
        }
        if (options.trustStore() != null) {
            factory.setSslContext(JmsSupport.trusting(options.trustStore(), options.trustStorePassword()));
        }
        Connection connection = null;
        try {
            connection = factory.createConnection();
            ReconnectCounter counter = new ReconnectCounter(options);
            ((org.apache.qpid.jms.JmsConnection) connection).addConnectionListener(counter);
            connection.setExceptionListener(e -> {
                LOG.warn("connection to {} failed: {}", JmsSupport.redact(options.broker()), e.getMessage());
                try {
                    options.listener().connectionLost(e);
                } catch (RuntimeException ignored) {
                    // listeners must not throw; ignore what they do
                }
            });
            connection.start();
            XqBus bus = new XqBus(options, schemas, connection);
            bus.reconnects = counter;
            if (options.watchedSchemas() != null) {
                try {
                    bus.schemaWatcher = new SchemaWatcher(options.watchedSchemas(), bus::schemasChanged, bus::schemasRefused);
                } catch (IOException e) {
                    bus.close();
                    throw new SchemaException("cannot watch the schema directory: " + e.getMessage(),
                            new Location(String.valueOf(SchemaSet.directoryOf(options.watchedSchemas())), 0, 0, null));
                }
            }
            return bus;
        } catch (JMSException e) {
            closeQuietly(connection);
            throw JmsSupport.map(e, "connecting", options.broker(), options.user());
        }
    }

    private ReconnectCounter reconnects;

    /** How often a reconnecting bus lost and regained its broker. */
    public long reconnects() {
        return reconnects == null ? 0 : reconnects.restored.get();
    }

    /** Counts and reports interruptions and restorations of a failover connection. */
    private static final class ReconnectCounter implements org.apache.qpid.jms.JmsConnectionListener {
        final java.util.concurrent.atomic.AtomicLong restored = new java.util.concurrent.atomic.AtomicLong();
        private final BusOptions options;

        ReconnectCounter(BusOptions options) {
            this.options = options;
        }

        @Override
        public void onConnectionEstablished(java.net.URI remoteURI) {
        }

        @Override
        public void onConnectionFailure(Throwable error) {
        }

        @Override
        public void onConnectionInterrupted(java.net.URI remoteURI) {
            LOG.warn("lost the broker at {}; reconnecting with backoff", JmsSupport.redact(String.valueOf(remoteURI)));
            try {
                options.listener().connectionInterrupted(JmsSupport.redact(String.valueOf(remoteURI)));
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
        }

        @Override
        public void onConnectionRestored(java.net.URI remoteURI) {
            restored.incrementAndGet();
            LOG.warn("reconnected to {}; subscriptions resume", JmsSupport.redact(String.valueOf(remoteURI)));
            try {
                options.listener().connectionRestored(JmsSupport.redact(String.valueOf(remoteURI)));
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
        }

        @Override
        public void onInboundMessage(org.apache.qpid.jms.message.JmsInboundMessageDispatch envelope) {
        }

        @Override
        public void onSessionClosed(jakarta.jms.Session session, Throwable cause) {
        }

        @Override
        public void onConsumerClosed(jakarta.jms.MessageConsumer consumer, Throwable cause) {
        }

        @Override
        public void onProducerClosed(jakarta.jms.MessageProducer producer, Throwable cause) {
        }
    }

    /**
     * Builds, validates and publishes an event.
     *
     * @return the receipt, once the broker has accepted the event
     * @throws InvalidEventException      when the event breaks its XSD (nothing is sent)
     * @throws UnknownEventTypeException  when no schema declares its type
     * @throws BrokerUnavailableException when the broker does not accept it
     */
    public Receipt publish(EventBuilder event) throws XqBusException {
        String ns = event.namespace() != null ? event.namespace() : schemas.namespaceOf(event.type());
        String xml = event.toXml(ns);
        return publish(SecureXml.text(xml, null), xml.length(), "event " + event.type());
    }

    /**
     * Validates and publishes an event given as XML text: a whole {@code Event} or a bare payload.
     *
     * @see #publish(EventBuilder)
     */
    public Receipt publish(String xml) throws XqBusException {
        return publish(xml, "<event text>");
    }

    /**
     * Validates and publishes an event given as XML text; errors name {@code sourceName} as the place.
     *
     * @see #publish(EventBuilder)
     */
    public Receipt publish(String xml, String sourceName) throws XqBusException {
        return publish(SecureXml.text(xml, null), xml.length(), sourceName);
    }

    /**
     * Validates and publishes an event given as bytes (its XML declaration's encoding holds); errors name
     * {@code sourceName} as the place.
     *
     * @see #publish(EventBuilder)
     */
    public Receipt publish(byte[] xml, String sourceName) throws XqBusException {
        checkOpen();
        return send(PreparedEvent.prepare(xml, sourceName, schemas, options.limits()), null);
    }

    /**
     * Validates and publishes the event in a file (its XML declaration's encoding holds).
     *
     * @throws IOException when the file cannot be read
     * @see #publish(EventBuilder)
     */
    public Receipt publish(Path file) throws XqBusException, IOException {
        byte[] body;
        try {
            body = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "the event file does not exist");
        }
        return publish(body, file.toString());
    }

    /**
     * Validates an event given as bytes and sends it without waiting for the broker: the future completes
     * when the broker accepted the event, or exceptionally with a {@link BrokerUnavailableException} or
     * {@link NotAuthorizedException}. Events sent this way keep their order. Use it for streams: send all,
     * then wait for every future once.
     *
     * @throws InvalidEventException     when the event is invalid (nothing is sent)
     * @throws UnknownEventTypeException when no schema declares its type
     */
    public CompletableFuture<Receipt> publishAsync(byte[] xml, String sourceName) throws XqBusException {
        return publishAsync(PreparedEvent.prepare(xml, sourceName, schemas, options.limits()));
    }

    /**
     * Sends a prepared event without waiting for the broker.
     *
     * @see #publishAsync(byte[], String)
     */
    public CompletableFuture<Receipt> publishAsync(PreparedEvent event) throws XqBusException {
        CompletableFuture<Receipt> done = new CompletableFuture<>();
        send(event, done);
        return done;
    }

    /**
     * Publishes a prepared event and waits until the broker accepted it.
     *
     * @throws BrokerUnavailableException when the broker does not accept it
     */
    public Receipt publish(PreparedEvent event) throws XqBusException {
        return send(event, null);
    }

    private Receipt publish(InputSource input, long size, String sourceName) throws XqBusException {
        checkOpen();
        return send(PreparedEvent.prepare(input, size, sourceName, schemas, options.limits()), null);
    }

    /** Sends a prepared event: synchronously when {@code async} is null, else completing it. */
    private Receipt send(PreparedEvent p, CompletableFuture<Receipt> async) throws XqBusException {
        String source = p.source() != null ? p.source() : options.source();
        String address = options.prefix() + "." + p.type();
        synchronized (publishLock) {
            checkOpen();
            long next = seq + 1;
            String doc = envelope(p, source, next, now());
            Receipt receipt = new Receipt(p.id(), p.type(), p.namespace(), address, producerId, next);
            try {
                if (publishSession == null) {
                    publishSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                }
                TextMessage m = message(publishSession, p, doc, source, next);
                if (async == null) {
                    producer(address).send(m);
                    counters.published.increment();
                } else {
                    producer(address).send(m, new CompletionListener() {
                        @Override
                        public void onCompletion(jakarta.jms.Message message) {
                            counters.published.increment();
                            async.complete(receipt);
                        }

                        @Override
                        public void onException(jakarta.jms.Message message, Exception e) {
                            async.completeExceptionally(e instanceof JMSException j
                                    ? JmsSupport.map(j, "publishing to " + address, options.broker(), options.user())
                                    : e);
                        }
                    });
                }
            } catch (JMSException e) {
                throw JmsSupport.map(e, "publishing to " + address, options.broker(), options.user());
            }
            seq = next;
            return receipt;
        }
    }

    private long lastMillis = Long.MIN_VALUE;
    private String lastTime;

    /**
     * The publish time, xs:dateTime in UTC to the millisecond; formatted once per millisecond, since a busy
     * producer publishes many events in one. Called with the publish lock held.
     */
    private String now() {
        long millis = System.currentTimeMillis();
        if (millis != lastMillis) {
            lastTime = TIME.format(Instant.ofEpochMilli(millis));
            lastMillis = millis;
        }
        return lastTime;
    }

    private TextMessage message(Session session, PreparedEvent p, String doc, String source, long seq) throws JMSException {
        TextMessage m = session.createTextMessage(doc);
        m.setStringProperty(PROP_ID, p.id());
        m.setStringProperty(PROP_TYPE, p.type());
        m.setStringProperty(PROP_NS, p.namespace());
        m.setStringProperty(PROP_SOURCE, source);
        m.setStringProperty(PROP_PRODUCER, producerId);
        m.setLongProperty(PROP_SEQ, seq);
        return m;
    }

    private Session batchSession;
    private final Map<String, MessageProducer> batchProducers = new HashMap<>();

    /**
     * Publishes several events all or nothing: every event is validated first (an invalid one is named by its
     * position and nothing is sent), then all are sent in one transaction — the broker has all of them or
     * none. Each may be an {@link EventBuilder}, XML text, bytes, a {@link PreparedEvent} or a JAXB object.
     *
     * @return the receipts, in order
     * @throws InvalidEventException      naming the position of the first invalid event (nothing sent)
     * @throws BrokerUnavailableException when the transaction failed (nothing delivered)
     * @throws UnsupportedOperationException on {@link BrokerKind#RABBITMQ}, which has no transactions
     */
    public List<Receipt> publishBatch(List<?> events) throws XqBusException {
        if (options.brokerKind() == BrokerKind.RABBITMQ) {
            throw new UnsupportedOperationException("publishBatch needs AMQP transactions, which RabbitMQ does not offer, so it "
                    + "cannot be all or nothing there; validate the events first (PreparedEvent.prepare) and publish them one by one");
        }
        List<PreparedEvent> prepared = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            try {
                prepared.add(prepareAny(events.get(i), "batch event " + (i + 1)));
            } catch (InvalidEventException e) {
                throw new InvalidEventException("event " + (i + 1) + " of " + events.size() + " in the batch is invalid, so nothing was sent: "
                        + e.problem(), e.location(), e);
            }
        }
        synchronized (publishLock) {
            checkOpen();
            long first = seq;
            List<Receipt> receipts = new ArrayList<>(prepared.size());
            try {
                if (batchSession == null) {
                    batchSession = connection.createSession(true, Session.SESSION_TRANSACTED);
                }
                for (PreparedEvent p : prepared) {
                    String source = p.source() != null ? p.source() : options.source();
                    String address = options.prefix() + "." + p.type();
                    long next = ++seq;
                    String time = now();
                    MessageProducer producer = batchProducers.get(address);
                    if (producer == null) {
                        producer = batchSession.createProducer(batchSession.createTopic(address));
                        producer.setDeliveryMode(options.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
                        batchProducers.put(address, producer);
                    }
                    producer.send(message(batchSession, p, envelope(p, source, next, time), source, next));
                    receipts.add(new Receipt(p.id(), p.type(), p.namespace(), address, producerId, next));
                }
                batchSession.commit();
                counters.published.add(receipts.size());
                return receipts;
            } catch (JMSException e) {
                seq = first;   // nothing was delivered: the numbers are free again
                try {
                    batchSession.rollback();
                } catch (JMSException ignored) {
                    // the transaction is gone either way
                }
                throw JmsSupport.map(e, "publishing a batch of " + prepared.size(), options.broker(), options.user());
            }
        }
    }

    private PreparedEvent prepareAny(Object event, String sourceName) throws XqBusException {
        if (event instanceof PreparedEvent p) {
            return p;
        }
        if (event instanceof EventBuilder b) {
            String ns = b.namespace() != null ? b.namespace() : schemas.namespaceOf(b.type());
            return PreparedEvent.prepare(b.toXml(ns), sourceName, schemas, options.limits());
        }
        if (event instanceof CharSequence text) {
            return PreparedEvent.prepare(text.toString(), sourceName, schemas, options.limits());
        }
        if (event instanceof byte[] bytes) {
            return PreparedEvent.prepare(bytes, sourceName, schemas, options.limits());
        }
        return PreparedEvent.prepare(JaxbBinding.of(event.getClass()).marshal(event), sourceName, schemas, options.limits());
    }

    /**
     * Registers every method of an object annotated {@link OnEvent} as a handler, in one subscription (see
     * {@link OnEvent} for the threading and order).
     *
     * @return the subscription: close or drain it to unregister
     * @throws IllegalArgumentException when a method has no handler signature or the object has no such method
     */
    public Subscription register(Object handlers) throws XqBusException {
        return register(handlers, SubscriptionOptions.DEFAULT);
    }

    /** Registers annotated handlers with subscription options (for example a durable group). */
    public Subscription register(Object handlers, SubscriptionOptions subscriptionOptions) throws XqBusException {
        Handlers h = Handlers.of(handlers);
        return subscribe(h.filters(), h::dispatch, subscriptionOptions);
    }

    private MessageProducer producer(String address) throws JMSException {
        MessageProducer p = producers.get(address);
        if (p == null) {
            p = publishSession.createProducer(publishSession.createTopic(address));
            p.setDeliveryMode(options.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
            producers.put(address, p);
        }
        return p;
    }

    /** The envelope of brief §2 around a serialised payload, in the payload's namespace and prefix. */
    private String envelope(PreparedEvent p, String source, long seq, String time) {
        String prefix = p.payloadPrefix();
        String qname = prefix.isEmpty() ? "Event" : prefix + ":Event";
        StringBuilder b = new StringBuilder(p.payload().length() + 256);
        b.append('<').append(qname);
        if (!p.namespace().isEmpty()) {
            b.append(prefix.isEmpty() ? " xmlns" : " xmlns:" + prefix).append("=\"").append(XmlWriter.escape(p.namespace())).append('"');
        }
        b.append(" id=\"").append(XmlWriter.escape(p.id())).append('"')
                .append(" source=\"").append(XmlWriter.escape(source)).append('"')
                .append(" producer=\"").append(producerId).append('"')
                .append(" seq=\"").append(seq).append('"')
                .append(" time=\"").append(time).append("\">")
                .append(p.payload())
                .append("</").append(qname).append('>');
        return b.toString();
    }

    /**
     * Publishes a JAXB object as an event: marshalled to its element (from {@code @XmlRootElement}, or from
     * the {@code ObjectFactory} xjc generated for classes without it), then validated and sent like XML.
     *
     * @throws IllegalArgumentException when the object's class is not a JAXB class with a known element
     * @see #publish(EventBuilder)
     */
    public Receipt publish(Object event) throws XqBusException {
        if (event instanceof EventBuilder b) {
            return publish(b);
        }
        if (event instanceof PreparedEvent p) {
            return publish(p);
        }
        if (event instanceof CharSequence text) {
            return publish(text.toString());
        }
        JaxbBinding<?> binding = JaxbBinding.of(event.getClass());
        String xml = binding.marshal(event);
        return publish(SecureXml.text(xml, null), xml.length(), event.getClass().getSimpleName());
    }

    /**
     * Subscribes to every event of a JAXB class's element; each arrives unmarshalled.
     *
     * @throws IllegalArgumentException when the class is not a JAXB class with a known element
     */
    public <T> Subscription subscribe(Class<T> type, EventHandler<? super T> handler) throws XqBusException {
        return subscribe(type, null, handler, SubscriptionOptions.DEFAULT);
    }

    /**
     * Subscribes to the events of a JAXB class's element that an XQuery also matches, for example
     * {@code /f:Event/f:NodeStatus[f:Load > 0.9]}; each arrives unmarshalled. Events of other types that the
     * query matches are not delivered.
     *
     * @param query an XQuery narrowing the events, or null for all of the type
     * @throws FilterCompileException when the query does not compile
     */
    public <T> Subscription subscribe(Class<T> type, String query, EventHandler<? super T> handler, SubscriptionOptions subscriptionOptions)
            throws XqBusException {
        JaxbBinding<T> binding = JaxbBinding.of(type);
        javax.xml.namespace.QName element = binding.element();
        String name = type.getSimpleName();
        Filter filter = query != null ? Filter.compile(name, query)
                : Filter.compile(name, "declare namespace t = '" + element.getNamespaceURI().replace("'", "''") + "'; /*/t:"
                        + element.getLocalPart());
        return subscribe(List.of(filter), match -> {
            Event e = match.event();
            if (e.type().equals(element.getLocalPart()) && e.namespace().equals(element.getNamespaceURI())) {
                handler.onEvent(binding.unmarshal(e.payload().toString()), e);
            }
        }, subscriptionOptions);
    }

    /**
     * Subscribes one filter given as XQuery text (named {@code filter}).
     *
     * @throws FilterCompileException when the query does not compile
     * @see #subscribe(List, MatchHandler)
     */
    public Subscription subscribe(String query, MatchHandler handler) throws XqBusException {
        return subscribe(List.of(Filter.compile("filter", query)), handler);
    }

    /** Subscribes one compiled filter. @see #subscribe(List, MatchHandler) */
    public Subscription subscribe(Filter filter, MatchHandler handler) throws XqBusException {
        return subscribe(List.of(filter), handler);
    }

    /**
     * Subscribes filters: each event arriving on {@code PREFIX.#} is parsed once and every filter evaluated on
     * it; each filter that matches calls the handler once, in the order the filters are given. The
     * subscription is in place at the broker when this returns; events published from then on reach it.
     * Non-durable: events published while it is closed are not kept.
     *
     * @throws BrokerUnavailableException when the broker refuses the subscription
     */
    public Subscription subscribe(List<Filter> filters, MatchHandler handler) throws XqBusException {
        return subscribe(filters, handler, SubscriptionOptions.DEFAULT);
    }

    /**
     * Subscribes filters with options: a durable or shared consumer group, at least once, with retries and
     * dead-lettering (see {@link SubscriptionOptions}).
     *
     * @throws BrokerUnavailableException when the broker refuses the subscription
     * @see #subscribe(List, MatchHandler)
     */
    public Subscription subscribe(List<Filter> filters, MatchHandler handler, SubscriptionOptions subscriptionOptions)
            throws XqBusException {
        checkOpen();
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("a subscription needs at least one filter");
        }
        FilterSet.requireDistinctNames(filters);   // before anything reaches the broker
        Objects.requireNonNull(handler, "handler");
        // brief §3: where every filter names its types (and no group holds events), attach to those types'
        // addresses plus the bare prefix, so the broker does the coarse routing; else to PREFIX.#
        java.util.Set<String> types = new java.util.TreeSet<>();
        boolean allTyped = true;
        for (Filter f : filters) {
            allTyped &= !f.types().isEmpty();
            types.addAll(f.types());
        }
        List<String> addresses = new ArrayList<>();
        if (allTyped && subscriptionOptions.group() == null) {
            types.forEach(t -> addresses.add(options.prefix() + "." + t));
            addresses.add(options.prefix());
        } else {
            addresses.add(options.prefix() + ".#");
        }
        String group = subscriptionOptions.group();
        boolean rabbitGroup = group != null && options.brokerKind() == BrokerKind.RABBITMQ;
        if (rabbitGroup) {
            // no shared subscriptions there: the group is a queue bound to amq.topic, declared before attaching
            RabbitMqManagement management = management();
            if (management != null) {
                management.declareQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS, true);
                management.declareBoundQueue(rabbitQueue(group), subscriptionOptions.durable(), addresses.get(0));
            }
        }
        String address = rabbitGroup ? "queue " + rabbitQueue(group) : String.join(", ", addresses);
        Session session = null;
        try {
            // at least once: one transaction per event, or (RabbitMQ: no transactions) a client acknowledgement
            // after the dead-letter copy was confirmed
            session = rabbitGroup ? connection.createSession(false, Session.CLIENT_ACKNOWLEDGE)
                    : subscriptionOptions.atLeastOnce() ? connection.createSession(true, Session.SESSION_TRANSACTED)
                    : connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            List<MessageConsumer> consumers = new ArrayList<>();
            if (rabbitGroup) {
                consumers.add(session.createConsumer(session.createQueue(rabbitQueue(group))));
            } else {
                for (String a : addresses) {
                    jakarta.jms.Topic topic = session.createTopic(a);
                    consumers.add(group == null ? session.createConsumer(topic)
                            : subscriptionOptions.durable() ? session.createSharedDurableConsumer(topic, group)
                            : session.createSharedConsumer(topic, group));
                }
            }
            Subscription s = new Subscription(this, session, consumers, List.copyOf(filters), handler,
                    rabbitGroup ? List.of(rabbitQueue(group)) : addresses,
                    subscriptionOptions);
            for (int i = 0; i < consumers.size(); i++) {   // each knows its own address: where its messages arrived
                consumers.get(i).setMessageListener(s.listener(rabbitGroup ? null : addresses.get(i)));
            }
            subscriptions.add(s);
            return s;
        } catch (JMSException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (JMSException ignored) {
                    // the original failure is what matters
                }
            }
            throw JmsSupport.map(e, "subscribing to " + address, options.broker(), options.user());
        }
    }

    /**
     * Deletes a durable consumer group and the events it holds. Stopping members never does this. It is a
     * right of its own on the broker (Artemis {@code deleteDurableQueue} on the group's address), not implied
     * by the right to consume.
     *
     * @throws NotAuthorizedException when the broker kept the group: the user may not delete it, or a member
     *                                is still attached (the message names the user and the group)
     * @throws BrokerUnavailableException when the broker cannot be reached or has no such group
     */
    public void unsubscribe(String group) throws XqBusException {
        checkOpen();
        if (options.brokerKind() == BrokerKind.RABBITMQ) {
            RabbitMqManagement management = management();
            if (management == null) {
                throw new XqBusException("the group's queue " + rabbitQueue(group) + " is the operator's (managementUri is none): "
                        + "delete it with rabbitmqctl delete_queue " + rabbitQueue(group), null);
            }
            management.deleteQueue(rabbitQueue(group));
            return;
        }
        Session session = null;
        try {
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.unsubscribe(group);
            // Artemis closes the link as if it had deleted the group when it refuses (the right is missing, or a
            // member is attached), so look again: a group still there was kept
            try {
                session.unsubscribe(group);
            } catch (jakarta.jms.InvalidDestinationException gone) {
                return;
            }
            String who = options.user() == null ? "an anonymous connection" : "user '" + options.user() + "'";
            throw new NotAuthorizedException("the broker kept the consumer group " + group + ": " + who
                    + " may not delete it (it needs the right to delete consumer groups: delete-group in xqbus-broker's users file,"
                    + " Artemis deleteDurableQueue), or a member of the group is still running",
                    new Location(JmsSupport.redact(options.broker()), 0, 0, null), null);
        } catch (JMSException e) {
            throw JmsSupport.map(e, "deleting the consumer group " + group, options.broker(), options.user());
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (JMSException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /** The RabbitMQ queue that holds a consumer group's events. */
    static String rabbitQueue(String group) {
        return "xqbus.group." + group;
    }

    private RabbitMqManagement management;

    private synchronized RabbitMqManagement management() throws XqBusException {
        if (management == null && !"none".equalsIgnoreCase(options.managementUri())) {
            management = RabbitMqManagement.of(options.managementUri(), options.user(), options.password(), options.connectTimeout());
        }
        return management;
    }

    private void schemasChanged(SchemaWatcher.Change change) {
        schemas = change.schemas();
        try {
            options.listener().schemasChanged(change.schemas());
        } catch (RuntimeException ignored) {
            // listeners must not throw
        }
        announce(change);
    }

    private void schemasRefused(SchemaException problems) {
        try {
            options.listener().schemasRefused(problems);
        } catch (RuntimeException ignored) {
            // listeners must not throw
        }
    }

    /** Publishes a SchemaChanged event (one of the bus's own, validated against the predefined set). */
    private void announce(SchemaWatcher.Change change) {
        try {
            EventBuilder b = EventBuilder.of(SCHEMA_CHANGED_NS, "SchemaChanged").add("Directory", change.directory().toString());
            addFiles(b, "Added", change.added());
            addFiles(b, "Changed", change.changed());
            addFiles(b, "Removed", change.removed());
            b.add("EventTypes", String.valueOf(change.schemas().eventTypes().size()));
            String xml = b.toXml(SCHEMA_CHANGED_NS);
            publish(PreparedEvent.prepare(xml, "SchemaChanged", SchemaSet.predefined(), options.limits()));
        } catch (XqBusException | RuntimeException e) {
            LOG.warn("could not announce the schema change: {}", e.getMessage());
        }
    }

    private static final String SCHEMA_CHANGED_NS = "http://www.gonicus.de/Events";

    private static void addFiles(EventBuilder b, String element, List<String> files) {
        if (!files.isEmpty()) {
            b.add(element, list -> files.forEach(f -> list.add("File", f)));
        }
    }

    void removed(Subscription s) {
        subscriptions.remove(s);
    }

    /** The schema set events are validated against now (it changes when a watched directory changes). */
    public SchemaSet schemas() {
        return schemas;
    }

    BusCounters counters() {
        return counters;
    }

    /** This bus's producer id, the {@code producer} attribute of every event it publishes. */
    public String producerId() {
        return producerId;
    }

    /** The options this bus was connected with. */
    public BusOptions options() {
        return options;
    }

    /** Drains every subscription (the events being handled finish), then closes the connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (schemaWatcher != null) {
            schemaWatcher.close();
        }
        for (Subscription s : new ArrayList<>(subscriptions)) {
            s.drain(java.time.Duration.ofSeconds(30));   // the events being handled finish first
        }
        closeQuietly(connection);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the bus is closed");
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (JMSException e) {
                LOG.debug("closing the connection: {}", e.getMessage());
            }
        }
    }
}
