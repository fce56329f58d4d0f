package io.xqbus;

import net.sf.saxon.s9api.XdmValue;

/**
 * One filter matched one event: what reaches a {@link MatchHandler}. The result is the filter's whole
 * query result (for the lineage's style of query, the payload element); the event is the whole event.
 *
 * @param filter the name of the filter that matched
 * @param event  the event
 * @param result the query's result, whose effective boolean value was true
 * @since 0.1
 */
public record Match(String filter, Event event, XdmValue result) {
}
