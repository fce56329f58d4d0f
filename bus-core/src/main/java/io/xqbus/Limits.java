package io.xqbus;

/**
 * Bounds on what the bus accepts from users and the network (brief §4, §8): the largest event, the deepest
 * nesting. They protect consumers from documents built to exhaust memory or stack.
 *
 * @param maxEventBytes the largest event body in bytes (UTF-8) that is parsed at all
 * @param maxDepth      the deepest element nesting, the {@code Event} element counting as 1
 * @since 0.1
 */
public record Limits(int maxEventBytes, int maxDepth) {

    /** 1 MiB: events are small; a body larger than this is refused before it is parsed. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    /** 64 levels. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** The defaults. */
    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_DEPTH);

    public Limits {
        if (maxEventBytes <= 0 || maxDepth < 2) {
            throw new IllegalArgumentException("limits must allow at least an Event and its payload: maxEventBytes > 0, maxDepth >= 2");
        }
    }
}
