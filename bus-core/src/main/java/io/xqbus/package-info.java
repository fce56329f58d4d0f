/**
 * xqbus: XML events over AMQP 1.0, validated against XSDs and filtered by XQuery.
 *
 * <p>Start with {@link io.xqbus.XqBus#connect(io.xqbus.BusOptions)}. Publish with
 * {@link io.xqbus.XqBus#publish(io.xqbus.EventBuilder)} (or XML text, or a file): the payload is validated
 * against its XSD in the {@link io.xqbus.SchemaSet} and the call returns once the broker accepted it.
 * Subscribe with {@link io.xqbus.XqBus#subscribe(java.util.List, io.xqbus.MatchHandler)}: each
 * {@link io.xqbus.Filter} is an XQuery evaluated per event; a match reaches the handler as a
 * {@link io.xqbus.Match}. Close the {@link io.xqbus.Subscription}, then the bus.
 *
 * <p>Errors are checked exceptions under {@link io.xqbus.XqBusException}, each with a
 * {@link io.xqbus.Location}. Problems that must not stop a consumer (a filter error on one event, a message
 * that is not an event, a handler that throws) go to the {@link io.xqbus.BusListener} and the counters of the
 * subscription. Everything under {@code io.xqbus.internal} may change without notice.
 */
package io.xqbus;
