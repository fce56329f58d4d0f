package io.xqbus;

/**
 * Bounds on what the bus accepts from users and the network (brief §4, §8): the largest event, the deepest
 * nesting, the longest text or attribute value, and for filters a time limit per evaluation and a largest
 * result. They protect consumers from documents and queries built to exhaust memory, stack or CPU, and from
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
 * @since 0.1
 */
public record Limits(int maxEventBytes, int maxDepth, int maxValueChars, java.time.Duration filterTime, int maxResultItems,
                     int maxOverruns, int maxDistinctNames) {

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

    public Limits {
        if (maxEventBytes <= 0 || maxDepth < 2 || maxValueChars <= 0 || maxResultItems <= 0 || maxOverruns <= 0) {
            throw new IllegalArgumentException("limits must be positive and allow at least an Event and its payload (maxDepth >= 2)");
        }
        if (maxDistinctNames <= 0 || maxDistinctNames > MAX_DISTINCT_NAMES) {
            throw new IllegalArgumentException("maxDistinctNames must be between 1 and " + MAX_DISTINCT_NAMES + ": " + maxDistinctNames);
        }
        java.util.Objects.requireNonNull(filterTime, "filterTime");
    }

    /** These limits with another filter time limit. */
    public Limits withFilterTime(java.time.Duration time) {
        return new Limits(maxEventBytes, maxDepth, maxValueChars, time, maxResultItems, maxOverruns, maxDistinctNames);
    }

    /** These limits with another bound on distinct names. */
    public Limits withMaxDistinctNames(int names) {
        return new Limits(maxEventBytes, maxDepth, maxValueChars, filterTime, maxResultItems, maxOverruns, names);
    }
}
