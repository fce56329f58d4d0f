package io.xqbus;

/**
 * Bounds on what the bus accepts from users and the network (brief §4, §8): the largest event, the deepest
 * nesting, the longest text or attribute value, the longest message property, and for filters a time limit per
 * evaluation and a largest result. They protect consumers from documents and queries built to exhaust memory, stack or CPU, and from
 * events built to fill the XQuery engine's name table (which never forgets a name, and holds about a million).
 *
 * @param maxEventBytes   the largest event body in bytes that is parsed at all
 * @param maxDepth        the deepest element nesting, the {@code Event} element counting as 1
 * @param maxValueChars   the longest attribute value or text of one element
 * @param filterTime      how long one filter may run on one event (for filters that can run long)
 * @param maxResultItems  the most items a filter result may have
 * @param maxOverruns     overruns after which a filter is quarantined (no longer evaluated)
 * @param maxDistinctNames the element and attribute names and namespace URIs a process takes in from events,
 *                         in units of one per name or URI plus one per 64 characters; beyond, an event
 *                         bringing a name not met before is refused (names already met, and those the
 *                         schemas, filters and envelope use, still pass; one event may bring at most
 *                         1,000 units and 16 URIs: see io.xqbus.internal.xml.NameAdmission)
 * @param maxPropertyChars   the longest value of one message property (AMQP application property) a consumer
 *                           accepts, in characters (bytes for binary values); the event id, {@code xqbus_id}, and the
 *                           AMQP message id are held to {@link #MAX_ID_CHARS} instead. Properties become event
 *                           ids, filter variables and log lines, so they are bounded like values, before use
 * @param maxPropertiesChars the most characters all of a message's properties may have together, names and values
 * @since 0.1
 */
public record Limits(int maxEventBytes, int maxDepth, int maxValueChars, java.time.Duration filterTime, int maxResultItems,
                     int maxOverruns, int maxDistinctNames, int maxPropertyChars, int maxPropertiesChars) {

    /** 1 MiB: events are small; a body larger than this is refused before it is parsed. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    /** 64 levels. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** 64 Ki characters. */
    public static final int DEFAULT_MAX_VALUE_CHARS = 64 * 1024;
    /** 250 ms per filter and event. */
    public static final java.time.Duration DEFAULT_FILTER_TIME = java.time.Duration.ofMillis(250);
    /** 10,000 items. */
    public static final int DEFAULT_MAX_RESULT_ITEMS = 10_000;
    /** 3 overruns. */
    public static final int DEFAULT_MAX_OVERRUNS = 3;
    /**
     * 200,000 units: Saxon's name pool holds 1,048,575 names per process and every name an event tree or a filter
     * uses stays in it, with about 300 bytes of heap each; a producer spending the whole budget costs a consumer
     * about 60 MB of heap for the life of the process (measured: {@code bin/xqbus-bench name-flood}). The
     * schemas' own names are not counted: real events rarely spend any of it.
     */
    public static final int DEFAULT_MAX_DISTINCT_NAMES = 200_000;
    /** The most {@link #maxDistinctNames} may be: below the name pool's size, with room for filters. */
    public static final int MAX_DISTINCT_NAMES = 1_000_000;
    /** 4 Ki characters: a property is a short header (a source, a producer, a tag), never a document. */
    public static final int DEFAULT_MAX_PROPERTY_CHARS = 4 * 1024;
    /** 64 Ki characters for all of a message's properties, names and values together. */
    public static final int DEFAULT_MAX_PROPERTIES_CHARS = 64 * 1024;
    /**
     * 256 characters: the longest event id, whether it comes from the envelope's {@code id} attribute, the
     * {@code xqbus_id} property or the AMQP message id. A publisher refuses a longer envelope id; a consumer
     * rejects a message carrying one. Not configurable: every consumer must accept what any publisher sends.
     */
    public static final int MAX_ID_CHARS = 256;
    /** The defaults. */
    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_DEPTH);

    /** The given size limits with the defaults for the rest. */
    public Limits(int maxEventBytes, int maxDepth) {
        this(maxEventBytes, maxDepth, DEFAULT_MAX_VALUE_CHARS, DEFAULT_FILTER_TIME, DEFAULT_MAX_RESULT_ITEMS, DEFAULT_MAX_OVERRUNS);
    }

    /** The given limits with the default {@link #maxDistinctNames}. */
    public Limits(int maxEventBytes, int maxDepth, int maxValueChars, java.time.Duration filterTime, int maxResultItems, int maxOverruns) {
        this(maxEventBytes, maxDepth, maxValueChars, filterTime, maxResultItems, maxOverruns, DEFAULT_MAX_DISTINCT_NAMES);
    }

    /** The given limits with the default property bounds. */
    public Limits(int maxEventBytes, int maxDepth, int maxValueChars, java.time.Duration filterTime, int maxResultItems, int maxOverruns,
                  int maxDistinctNames) {
        this(maxEventBytes, maxDepth, maxValueChars, filterTime, maxResultItems, maxOverruns, maxDistinctNames,
                DEFAULT_MAX_PROPERTY_CHARS, DEFAULT_MAX_PROPERTIES_CHARS);
    }

    public Limits {
        if (maxEventBytes <= 0 || maxDepth < 2 || maxValueChars <= 0 || maxResultItems <= 0 || maxOverruns <= 0) {
            throw new IllegalArgumentException("limits must be positive and allow at least an Event and its payload (maxDepth >= 2)");
        }
        if (maxDistinctNames <= 0 || maxDistinctNames > MAX_DISTINCT_NAMES) {
            throw new IllegalArgumentException("maxDistinctNames must be between 1 and " + MAX_DISTINCT_NAMES + ": " + maxDistinctNames);
        }
        if (maxPropertyChars < MAX_ID_CHARS || maxPropertiesChars < maxPropertyChars) {
            throw new IllegalArgumentException("maxPropertyChars must be at least " + MAX_ID_CHARS + " and maxPropertiesChars at least "
                    + "maxPropertyChars: " + maxPropertyChars + ", " + maxPropertiesChars);
        }
        java.util.Objects.requireNonNull(filterTime, "filterTime");
    }

    /** The longest value the message property {@code name} may have: {@link #MAX_ID_CHARS} for the event id. */
    int maxPropertyChars(String name) {
        return XqBus.PROP_ID.equals(name) ? MAX_ID_CHARS : maxPropertyChars;
    }

    /**
     * Refuses envelope attributes that would travel as message properties longer than consumers accept: the
     * id ({@link #MAX_ID_CHARS}), the source and the producer ({@link #maxPropertyChars}). Checked where an
     * event is prepared for publishing and where one is read, so a publisher never sends what consumers reject.
     */
    void checkEnvelope(java.util.Map<String, String> envelope, String sourceName) throws InvalidEventException {
        for (String attribute : new String[] {"id", "source", "producer"}) {
            String value = envelope.get(attribute);
            int max = attribute.equals("id") ? MAX_ID_CHARS : maxPropertyChars;
            if (value != null && value.length() > max) {
                throw new InvalidEventException("the envelope attribute " + attribute + " is " + value.length()
                        + " characters long, more than the limit of " + max, new Location(sourceName, 0, 0, "/Event/@" + attribute));
            }
        }
    }

    /** These limits with another filter time limit. */
    public Limits withFilterTime(java.time.Duration time) {
        return new Limits(maxEventBytes, maxDepth, maxValueChars, time, maxResultItems, maxOverruns, maxDistinctNames, maxPropertyChars,
                maxPropertiesChars);
    }

    /** These limits with another bound on distinct names. */
    public Limits withMaxDistinctNames(int names) {
        return new Limits(maxEventBytes, maxDepth, maxValueChars, filterTime, maxResultItems, maxOverruns, names, maxPropertyChars,
                maxPropertiesChars);
    }

    /** These limits with other bounds on message properties (one value; all together). */
    public Limits withMaxPropertyChars(int each, int all) {
        return new Limits(maxEventBytes, maxDepth, maxValueChars, filterTime, maxResultItems, maxOverruns, maxDistinctNames, each, all);
    }
}
