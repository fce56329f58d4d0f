package io.xqbus;

import java.time.Duration;
import java.util.Objects;

/**
 * How a subscription holds its events (brief §7, §8). The default is the lineage's: non-durable, fire and
 * forget, each subscription gets every event. A <em>consumer group</em> ({@link Builder#durable} or
 * {@link Builder#shared}) shares its events among every subscription with the same name, in any process
 * (JMS 2 shared subscriptions: no client id needed); a durable group keeps events while no member runs.
 * Group subscriptions are <em>at least once</em>: an event is acknowledged only after the handler returned
 * for every match; a handler that throws is retried in process with backoff, and after
 * {@link #maxAttempts()} attempts the event is republished to {@code xqbus.dead-letter} with the reason,
 * the filter and the original address, and acknowledged — in one transaction. On
 * {@link BrokerKind#RABBITMQ}, which has neither shared subscriptions nor transactions, a group is the queue
 * {@code xqbus.group.NAME} bound to {@code amq.topic}, and the dead-letter copy is confirmed before the event
 * is acknowledged.
 *
 * @since 0.1
 */
public final class SubscriptionOptions {

    /** Where undeliverable events go (brief §8); outside {@code PREFIX.#}, so no subscriber reads it by accident. */
    public static final String DEAD_LETTER_ADDRESS = "xqbus.dead-letter";
    /** Handler attempts before an event is dead-lettered. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** The first retry delay; each further one doubles, up to {@link #DEFAULT_MAX_BACKOFF}. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    /** The longest retry delay. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** Fire and forget, every subscription gets every event. */
    public static final SubscriptionOptions DEFAULT = builder().build();

    /** Dead-letter message properties. */
    public static final String PROP_DL_REASON = "xqbus_dl_reason";
    public static final String PROP_DL_FILTER = "xqbus_dl_filter";
    public static final String PROP_DL_ADDRESS = "xqbus_dl_address";
    public static final String PROP_DL_TIME = "xqbus_dl_time";
    public static final String PROP_DL_ATTEMPTS = "xqbus_dl_attempts";

    private final String group;
    private final boolean durable;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final int duplicateWindow;
    private final boolean detectGaps;
    private final int parallelism;

    private SubscriptionOptions(Builder b) {
        this.group = b.group;
        this.durable = b.durable;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.duplicateWindow = b.duplicateWindow;
        this.detectGaps = b.detectGaps;
        this.parallelism = b.parallelism;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The consumer group name, or null for a plain subscription. */
    public String group() {
        return group;
    }

    /** Whether the group keeps events while no member runs. */
    public boolean durable() {
        return durable;
    }

    /** Whether events are acknowledged only after handling, with retries and dead-lettering. */
    public boolean atLeastOnce() {
        return group != null;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration backoff() {
        return backoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** How many recent event ids are remembered to drop duplicates (0: duplicates are delivered). */
    public int duplicateWindow() {
        return duplicateWindow;
    }

    /** Handler threads: 1 (the default) handles events one at a time in arrival order. */
    public int parallelism() {
        return parallelism;
    }

    /** Whether gaps in a producer's sequence numbers are reported to the {@link BusListener}. */
    public boolean detectGaps() {
        return detectGaps;
    }

    /** Collects options. */
    public static final class Builder {
        private String group;
        private boolean durable;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoff = DEFAULT_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int duplicateWindow;
        private boolean detectGaps;
        private int parallelism = 1;

        private Builder() {
        }

        /** A durable consumer group: events wait for a member while none runs; members share them. */
        public Builder durable(String groupName) {
            this.group = requireName(groupName);
            this.durable = true;
            return this;
        }

        /** A shared, non-durable consumer group: running members share the events. */
        public Builder shared(String groupName) {
            this.group = requireName(groupName);
            this.durable = false;
            return this;
        }

        /** Handler attempts before dead-lettering (default 5). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The first retry delay and the longest one. */
        public Builder backoff(Duration first, Duration max) {
            this.backoff = Objects.requireNonNull(first, "first");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * Drops an event whose id was seen among the last {@code window} events (after a crash and
         * redelivery, or a producer's retry), reporting it to {@link BusListener#duplicateSuppressed}.
         */
        public Builder suppressDuplicates(int window) {
            if (window < 0) {
                throw new IllegalArgumentException("the duplicate window cannot be negative");
            }
            this.duplicateWindow = window;
            return this;
        }

        /**
         * Reports a jump in a producer's sequence numbers (an event lost or filtered out on the way, or
         * published while this subscription did not exist) to {@link BusListener#gapDetected}.
         */
        public Builder detectGaps(boolean detect) {
            this.detectGaps = detect;
            return this;
        }

        /**
         * Runs handlers on a bounded pool of this many threads instead of the delivery thread: matches are
         * then handled concurrently and not in arrival order. When all threads are busy, delivery waits
         * (backpressure). Plain subscriptions only: a consumer group acknowledges each event after its
         * handlers, in order — run several members for parallelism there.
         */
        public Builder parallel(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("at least one handler thread");
            }
            this.parallelism = threads;
            return this;
        }

        public SubscriptionOptions build() {
            if (parallelism > 1 && group != null) {
                throw new IllegalArgumentException("parallel handlers are for plain subscriptions; a consumer group "
                        + "acknowledges each event in order — start several members instead");
            }
            return new SubscriptionOptions(this);
        }

        private static String requireName(String name) {
            Objects.requireNonNull(name, "group name");
            if (name.isBlank() || name.contains("#") || name.contains("*")) {
                throw new IllegalArgumentException("'" + name + "' is not a usable consumer group name");
            }
            return name;
        }
    }
}
