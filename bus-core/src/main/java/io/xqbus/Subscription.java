package io.xqbus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.InputSource;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import io.xqbus.internal.Printable;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.SecureXml;

/**
 * A live subscription: a handle to close or drain and a set of counters. Events arrive on one delivery
 * thread per subscription, in arrival order, and handlers run there too (unless
 * {@link SubscriptionOptions.Builder#parallel} gives them a pool). Each event is parsed once (size, depth
 * and value lengths checked, DOCTYPE refused, optionally validated), then the {@link FilterSet} evaluates
 * the filters that can match it; a filter's dynamic error is no match for that event, counted and reported,
 * never fatal. In a consumer group the event is acknowledged only after its handlers (see
 * {@link SubscriptionOptions}). Where every filter names its types, the subscription listens only on those
 * types' addresses and the bare prefix ({@link #addresses()}).
 *
 * <p>Thread-safe. Close or drain it when done; closing the bus drains it.
 *
 * @since 0.1
 */
public final class Subscription implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    private final XqBus bus;
    private final Session session;
    private final List<MessageConsumer> consumers;
    private final List<Filter> filters;
    private final FilterSet filterSet;
    private final MatchHandler handler;
    private final List<String> addresses;
    private final SubscriptionOptions options;
    private final boolean transacted;
    private jakarta.jms.MessageProducer deadLetters;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final Map<String, Boolean> recentIds;
    private final Map<String, Long> lastSeq = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    };

    /**
     * Events this member could not dead-letter for want of the right to publish to the dead-letter address:
     * left to the broker, which dead-letters them after its delivery limit; their redeliveries are rolled
     * back at once instead of running the handlers again (#23 item 3).
     */
    private final Map<String, Boolean> leftToBroker = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };

    /**
     * The address of the consumer whose message is being delivered, when it is one address (not a pattern): the
     * most trusted answer to where the message arrived ({@link Incoming#arrival}). Set by {@link #listener} on
     * the session's delivery thread before each message, read on that thread only.
     */
    private String arrivalLink;

    private final Map<String, AtomicLong> matched = new LinkedHashMap<>();
    private final java.util.concurrent.ThreadPoolExecutor pool;
    private volatile Thread deliveryThread;
    private volatile boolean closed;

    Subscription(XqBus bus, Session session, List<MessageConsumer> consumers, List<Filter> filters, MatchHandler handler,
                 List<String> addresses, SubscriptionOptions options) throws JMSException {
        this.options = options;
        this.transacted = session.getTransacted();
        this.bus = bus;
        this.session = session;
        this.consumers = List.copyOf(consumers);
        this.filters = filters;
        int window = options.duplicateWindow();
        this.recentIds = window == 0 ? null : new LinkedHashMap<>(Math.min(window, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > window;
            }
        };
        int threads = options.parallelism();
        this.pool = threads <= 1 ? null : new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(threads * 4), r -> {
                    Thread t = new Thread(r, "xqbus-handler-" + filters.get(0).name());
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
        this.filterSet = new FilterSet(filters, bus.options().limits(), bus.options().listener(), true);
        filterSet.countErrorsIn(bus.counters().filterErrors);
        this.handler = handler;
        this.addresses = List.copyOf(addresses);
        for (Filter f : filters) {
            matched.putIfAbsent(f.name(), new AtomicLong());
        }
    }

    /**
     * The addresses this subscription listens on: {@code [xqbus.events.#]}, or, when every filter names its
     * event types, those types' addresses and the bare prefix ({@code [xqbus.events.PhoneStatus, xqbus.events]});
     * for a consumer group on RabbitMQ, the group's queue ({@code [xqbus.group.NAME]}).
     */
    public List<String> addresses() {
        return addresses;
    }

    /** The filters, in evaluation order. */
    public List<Filter> filters() {
        return filters;
    }

    /** Messages received (events or not). */
    public long received() {
        return received.get();
    }

    /** Matches delivered to the handler, over all filters. */
    public long matched() {
        return matched.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Matches of one filter, by name. */
    public long matched(String filter) {
        AtomicLong n = matched.get(filter);
        return n == null ? 0 : n.get();
    }

    /** Messages refused as not being acceptable events. */
    public long rejected() {
        return rejected.get();
    }

    /** Dynamic errors of filters, overruns included (each counted as no match). */
    public long filterErrors() {
        return filterSet.filterErrors();
    }

    /** Exceptions thrown by the handler (every attempt counts). */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    /** Duplicates dropped (see {@link SubscriptionOptions.Builder#suppressDuplicates}). */
    public long duplicates() {
        return duplicates.get();
    }

    /** Gaps detected in producers' sequence numbers (see {@link SubscriptionOptions.Builder#detectGaps}). */
    public long gaps() {
        return gaps.get();
    }

    /** Events republished to the dead-letter address (group subscriptions only). */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Evaluations stopped at the time limit (each counted as no match and as a filter error). */
    public long overruns() {
        return filterSet.overruns();
    }

    /** The filters quarantined for overrunning their time limit too often; they are no longer evaluated. */
    public List<String> quarantined() {
        return filterSet.quarantined();
    }

    /** The options this subscription was made with. */
    public SubscriptionOptions options() {
        return options;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops taking new events, lets the one being handled finish (every matching handler), then detaches.
     *
     * @return whether the in-flight work finished within the timeout (it is detached either way)
     */
    public boolean drain(java.time.Duration timeout) {
        if (closed) {
            return true;
        }
        if (Thread.currentThread() == deliveryThread) {
            close();
            return false;
        }
        bus.removed(this);
        Thread stopper = new Thread(this::closeConsumers, "xqbus-subscription-drain");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean finished = !stopper.isAlive();
        closed = true;
        detach();
        return finished;
    }

    private void closeConsumers() {
        for (MessageConsumer consumer : consumers) {
            try {
                consumer.close();   // waits for the message listener in progress to return
            } catch (JMSException e) {
                LOG.debug("closing a consumer: {}", e.getMessage());
            }
        }
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);   // handlers already started finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops delivery and detaches from the broker. Idempotent. Called from the handler itself, it stops
     * delivery at once and detaches when the handler returns.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bus.removed(this);
        if (Thread.currentThread() == deliveryThread) {
            Thread t = new Thread(this::detach, "xqbus-subscription-close");
            t.setDaemon(true);
            t.start();
        } else {
            detach();
        }
    }

    private void detach() {
        filterSet.close();
        closeConsumers();
        try {
            session.close();
        } catch (JMSException e) {
            LOG.debug("closing a subscription: {}", e.getMessage());
        }
    }

    /**
     * The listener for the consumer attached to {@code link} (null for a queue, such as a RabbitMQ group's): it
     * tells {@link #onMessage} which link the message came through, since the message itself may lie about it.
     */
    MessageListener listener(String link) {
        String single = link == null || Incoming.isPattern(link) ? null : link;
        return m -> {
            arrivalLink = single;
            deliver(m);
        };
    }

    /**
     * The JMS message listener: {@link #onMessage} with a last line of defence (#23 item 6). What escapes it —
     * an Error such as an {@link OutOfMemoryError} while parsing, a handler's {@link StackOverflowError}, a
     * broken class path — would otherwise end in the JMS client's delivery thread and leave a process that is
     * connected and delivers nothing. Instead the event is left unacknowledged (rolled back, or recovered), the
     * failure is logged once, the subscription is closed and {@link BusListener#subscriptionFailed} is told.
     */
    void deliver(Message message) {
        try {
            onMessage(message);
        } catch (Throwable failure) {
            deliveryFailed(message, failure);
        }
    }

    private void deliveryFailed(Message message, Throwable failure) {
        try {
            rollback();   // before closing: a consumer group keeps the event for another member or the next start
            close();      // later deliveries return at once (closed), so this is logged and told once
            String group = options.group();
            LOG.error("subscription to {}{} stopped: handling event {} failed with {}; the event was not acknowledged{}",
                    String.join(", ", addresses), group == null ? "" : " (group " + group + ")", Printable.of(messageId(message)),
                    Printable.of(failure), options.atLeastOnce() ? " and stays with the group" : "");
            bus.options().listener().subscriptionFailed(this, failure);
        } catch (Throwable ignored) {
            // out of memory again, or a listener that throws: the subscription is closed either way
        }
    }

    void onMessage(Message message) {
        deliveryThread = Thread.currentThread();
        if (closed) {
            return;
        }
        received.incrementAndGet();
        bus.counters().received.increment();
        boolean atLeastOnce = options.atLeastOnce();
        if (atLeastOnce && !leftToBroker.isEmpty() && leftToBroker.containsKey(messageId(message))) {
            LOG.debug("event {} is left to the broker's dead-letter handling: rolled back again", messageId(message));
            rollback();
            return;
        }
        Event event;
        try {
            event = toEvent(message);
        } catch (InvalidEventException e) {
            rejected.incrementAndGet();
            bus.counters().rejected.increment();
            String id = messageId(message);
            LOG.warn("rejected a message that is not an acceptable event: {}", Printable.of(e.getMessage()));
            try {
                bus.options().listener().eventRejected(id, e);
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
            if (atLeastOnce && deadLetter(message, id, null, "not an acceptable event: " + e.getMessage(), 0)) {
                commit(message);
            }
            return;
        }
        if (recentIds != null && recentIds.put(event.id(), Boolean.TRUE) != null) {
            duplicates.incrementAndGet();
            LOG.info("dropped duplicate event {} (producer {}, seq {})", Printable.of(event.id()), Printable.of(event.producer()), event.seq());
            try {
                bus.options().listener().duplicateSuppressed(event.id(), event.producer(), event.seq());
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
            if (atLeastOnce) {
                commit(message);
            }
            return;
        }
        if (options.detectGaps() && event.producer() != null && event.seq() != null) {
            Long last = lastSeq.put(event.producer(), Math.max(event.seq(), lastSeq.getOrDefault(event.producer(), 0L)));
            if (last != null && event.seq() > last + 1) {
                gaps.incrementAndGet();
                LOG.warn("gap in the events of producer {} ({}): expected seq {}, got {}", Printable.of(event.producer()), Printable.of(event.source()),
                        last + 1, event.seq());
                try {
                    bus.options().listener().gapDetected(event.producer(), event.source(), last + 1, event.seq());
                } catch (RuntimeException ignored) {
                    // listeners must not throw
                }
            }
        }
        boolean completed;
        try {
            completed = filterSet.evaluate(event, () -> closed, m -> {
                matched.get(m.filter()).incrementAndGet();
                bus.counters().matched(m.filter());
                if (pool != null) {
                    pool.execute(() -> handleOnce(m));   // parallel handlers: plain subscriptions only
                    return true;
                }
                Throwable failure = atLeastOnce ? handleWithRetries(m) : handleOnce(m);
                if (failure != null && atLeastOnce) {
                    if (closed) {
                        rollback();   // stopping: leave the event to the broker, another member or the next start retries it
                        return false;
                    }
                    // false: dead-lettering failed and was rolled back; the broker redelivers the event
                    return deadLetter(message, event.id(), m.filter(), "the handler failed " + options.maxAttempts()
                            + " time(s): " + failure, options.maxAttempts());
                }
                return true;
            });
        } catch (Exception e) {
            LOG.error("evaluating event {} failed: {}", Printable.of(event.id()), Printable.of(e));
            completed = false;
        }
        if (!completed && atLeastOnce) {
            return;   // rolled back or stopping: not acknowledged
        }
        if (atLeastOnce) {
            commit(message);
        }
    }

    private Throwable handleOnce(Match m) {
        long start = System.nanoTime();
        try {
            handler.onMatch(m);
            return null;
        } catch (Exception | LinkageError e) {
            handlerErrors.incrementAndGet();
            bus.counters().handlerErrors.increment();
            LOG.warn("handler failed on event {} (filter {}): {}", Printable.of(m.event().id()), Printable.of(m.filter()), Printable.of(e));
            try {
                bus.options().listener().handlerFailed(m.filter(), m.event().id(), e);
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
            return e;
        } finally {
            bus.counters().handlerCalls.increment();
            bus.counters().handlerNanos.add(System.nanoTime() - start);
        }
    }

    /** Runs the handler until it succeeds or the attempts are used up, backing off between attempts. */
    private Throwable handleWithRetries(Match m) {
        long delay = options.backoff().toMillis();
        Throwable last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            last = handleOnce(m);
            if (last == null) {
                return null;
            }
            if (attempt < options.maxAttempts() && !closed) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return last;
                }
                delay = Math.min(delay * 2, options.maxBackoff().toMillis());
            }
            if (closed) {
                return last;
            }
        }
        return last;
    }

    /**
     * Republishes the message as it arrived to the dead-letter address, with why; part of the transaction (on
     * RabbitMQ: confirmed before the original is acknowledged, so a crash between the two leaves a second copy,
     * never none).
     *
     * @return false when that failed and the transaction was rolled back
     */
    private boolean deadLetter(Message original, String eventId, String filter, String reason, int attempts) {
        try {
            Message copy;
            int cap = bus.options().limits().maxEventBytes();
            boolean truncated = false;
            if (original instanceof TextMessage t) {
                String text = t.getText() == null ? "" : t.getText();
                truncated = text.length() > cap;
                copy = session.createTextMessage(truncated ? text.substring(0, cap) : text);
            } else if (original instanceof BytesMessage b) {
                b.reset();
                long length = b.getBodyLength();
                truncated = length > cap;
                byte[] body = new byte[(int) Math.min(length, cap)];
                b.readBytes(body);
                jakarta.jms.BytesMessage out = session.createBytesMessage();
                out.writeBytes(body);
                copy = out;
            } else {
                copy = session.createTextMessage("");
            }
            Limits limits = bus.options().limits();
            long kept = 0;
            for (var names = original.getPropertyNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                if (name.startsWith("xqbus_") && !name.startsWith("xqbus_dl_")) {
                    Object value = original.getObjectProperty(name);
                    long length = Incoming.length(value);
                    boolean simple = value instanceof String || value instanceof Number || value instanceof Boolean;
                    if (!simple || length > limits.maxPropertyChars(name) || (kept += name.length() + length) > limits.maxPropertiesChars()) {
                        truncated = true;   // an oversized or odd property (the likely reason it is here) is left out
                        continue;
                    }
                    copy.setObjectProperty(name, value);
                }
            }
            copy.setStringProperty(SubscriptionOptions.PROP_DL_REASON, reason.length() > 2000 ? reason.substring(0, 2000) + "…" : reason);
            if (filter != null) {
                copy.setStringProperty(SubscriptionOptions.PROP_DL_FILTER, filter);
            }
            String arrived = address(original);
            copy.setStringProperty(SubscriptionOptions.PROP_DL_ADDRESS, arrived != null ? arrived : Incoming.UNKNOWN_ADDRESS);
            copy.setStringProperty(SubscriptionOptions.PROP_DL_TIME, java.time.Instant.now().toString());
            copy.setIntProperty(SubscriptionOptions.PROP_DL_ATTEMPTS, attempts);
            if (truncated) {
                copy.setBooleanProperty("xqbus_dl_truncated", true);   // a huge body is kept only up to the size limit
            }
            if (deadLetters == null) {
                deadLetters = session.createProducer(session.createQueue(SubscriptionOptions.DEAD_LETTER_ADDRESS));
                deadLetters.setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
            }
            deadLetters.send(copy);
            deadLettered.incrementAndGet();
            bus.counters().deadLettered.increment();
            LOG.warn("dead-lettered {}{}: {}", Printable.of(Incoming.label(eventId)), filter == null ? "" : " (filter " + Printable.of(filter) + ")",
                    Printable.of(reason));
            try {
                bus.options().listener().deadLettered(eventId, filter, reason);
            } catch (RuntimeException ignored) {
                // listeners must not throw
            }
            return true;
        } catch (jakarta.jms.JMSSecurityException e) {
            // no right to publish there (README's readers): do not run the handlers again on every redelivery;
            // the broker moves the event to its dead-letter address once its delivery limit is reached. Only
            // where a rollback counts as a delivery (transactions; RabbitMQ's recover has no limit on classic queues)
            if (transacted && Incoming.id(original) != null) {   // a message without id cannot be told from the next one
                leftToBroker.put(messageId(original), Boolean.TRUE);
            }
            String user = bus.options().user();
            LOG.error("cannot dead-letter {}: {} may not publish to {} ({}); the event is left to the broker, which "
                            + "dead-letters it after its delivery limit (grant publish on {} to dead-letter with the reason)",
                    Printable.of(Incoming.label(eventId)), user == null ? "an anonymous connection" : "user '" + user + "'", SubscriptionOptions.DEAD_LETTER_ADDRESS,
                    e.getMessage(), SubscriptionOptions.DEAD_LETTER_ADDRESS);
            rollback();
            return false;
        } catch (JMSException e) {
            LOG.error("cannot dead-letter {}: {}; it stays unacknowledged and will be redelivered", Printable.of(Incoming.label(eventId)),
                    Printable.of(e.getMessage()));
            rollback();
            return false;
        }
    }

    /** Acknowledges the event: commits the transaction, or (RabbitMQ groups) acknowledges the message. */
    private void commit(Message message) {
        try {
            if (transacted) {
                session.commit();
            } else {
                message.acknowledge();
            }
        } catch (JMSException e) {
            LOG.warn("could not acknowledge (the broker will redeliver): {}", e.getMessage());
        }
    }

    /** Leaves the event to the broker: rolls the transaction back, or recovers the session. */
    private void rollback() {
        try {
            if (transacted) {
                session.rollback();
            } else {
                session.recover();
            }
        } catch (JMSException e) {
            LOG.debug("rollback: {}", e.getMessage());
        }
    }

    private Event toEvent(Message message) throws InvalidEventException {
        Limits limits = bus.options().limits();
        String address = address(message);
        String sourceName = Incoming.source(message, address);
        Incoming.checkProperties(message, limits, sourceName);   // before a property becomes an id, a variable or a log line
        InputSource input;
        try {
            if (message instanceof TextMessage text) {
                String body = text.getText();
                if (body == null) {
                    throw new InvalidEventException("the message has no body", new Location(sourceName, 0, 0, null));
                }
                if (body.length() > limits.maxEventBytes()) {
                    throw tooLarge(body.length(), limits, sourceName);
                }
                input = SecureXml.text(body, null);
            } else if (message instanceof BytesMessage bytes) {
                long length = bytes.getBodyLength();
                if (length > limits.maxEventBytes()) {
                    throw tooLarge(length, limits, sourceName);
                }
                byte[] body = new byte[(int) length];
                bytes.readBytes(body);
                EventParser.checkEncoding(body, sourceName);
                input = SecureXml.bytes(body, null);
            } else {
                throw new InvalidEventException("the message body is neither text nor bytes (" + message.getClass().getSimpleName() + ")",
                        new Location(sourceName, 0, 0, null));
            }
        } catch (JMSException e) {
            throw new InvalidEventException("cannot read the message body: " + e.getMessage(), new Location(sourceName, 0, 0, null), e);
        }
        Event event = EventReader.read(input, sourceName, limits, bus.options().validateIncoming() ? bus.schemas().compiled() : null,
                Incoming.id(message), address);
        Incoming.checkType(event.type(), address, bus.options().prefix(), sourceName);
        return filterSet.bindsProperties() ? event.withProperties(Incoming.properties(message)) : event;
    }

    private static InvalidEventException tooLarge(long size, Limits limits, String sourceName) {
        return new InvalidEventException("the message body is " + size + " bytes, more than the limit of " + limits.maxEventBytes(),
                new Location(sourceName, 0, 0, null));
    }

    /** The message's id, or {@code message without id on ADDRESS} (an oversized id is never used). */
    private String messageId(Message m) {
        return Incoming.name(m, address(m));
    }

    /** Where the message arrived, or null when unknown: see {@link Incoming#arrival}. */
    private String address(Message m) {
        return Incoming.arrival(m, arrivalLink, bus.options().limits());
    }
}
