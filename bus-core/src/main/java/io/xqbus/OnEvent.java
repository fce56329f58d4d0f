package io.xqbus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as an event handler for {@link XqBus#register(Object)}: give an XQuery, a JAXB event
 * class, or both (the class's events that the query also matches). The method takes one of
 * {@code (Match)}, {@code (Event)}, {@code (T)} or {@code (T, Event)} where {@code T} is the {@code type}.
 *
 * <pre>{@code
 * class Alerts {
 *     @OnEvent(query = "declare namespace f='http://www.gonicus.de/Events'; /f:Event/f:NodeStatus[f:Load > 0.9]", priority = 10)
 *     void overloaded(Event e) { page(e.value("Id")); }
 *
 *     @OnEvent(type = NodeLeave.class)
 *     void left(NodeLeave leave, Event meta) { forget(leave.getId()); }
 * }
 * bus.register(new Alerts());
 * }</pre>
 *
 * All handlers of one registered object share one subscription and its delivery thread: they run one at a
 * time, in arrival order; handlers that match the same event run by descending priority, then in
 * declaration order. A handler that throws never affects the others.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnEvent {

    /** The XQuery filter; empty for all events of {@link #type()}. */
    String query() default "";

    /** The JAXB class of the events, or {@code void.class} for none. */
    Class<?> type() default void.class;

    /** Among handlers matching the same event, higher runs first. */
    int priority() default 0;

    /**
     * The filter's name in logs and counters (default: the method's name). Names are unique within an
     * object: {@code register} refuses two handlers of one name (overloads included), naming both methods.
     */
    String name() default "";
}
