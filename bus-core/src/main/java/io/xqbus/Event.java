package io.xqbus;

import net.sf.saxon.om.AxisInfo;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.pattern.NodeKindTest;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.tree.iter.AxisIterator;

/**
 * An event as a consumer receives it: the envelope fields of brief §2 and the whole document (envelope and
 * payload) as a Saxon tree, ready for more XQuery or for unmarshalling. Envelope fields a foreign producer
 * left out are null, except {@link #id()}, which falls back to the message's id. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Event {

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("[/:](v[0-9]+)$");

    private final String id;
    private final String type;
    private final String namespace;
    private final String source;
    private final String producer;
    private final Long seq;
    private final String time;
    private final String address;
    private final XdmNode document;
    /** The message's application properties, typed (see {@code Incoming.properties}); empty off the wire. */
    private final java.util.Map<String, Object> properties;
    private volatile XdmNode payload;   // found on first use

    Event(String id, String type, String namespace, String source, String producer, Long seq, String time,
          String address, XdmNode document) {
        this(id, type, namespace, source, producer, seq, time, address, document, java.util.Map.of());
    }

    private Event(String id, String type, String namespace, String source, String producer, Long seq, String time,
                  String address, XdmNode document, java.util.Map<String, Object> properties) {
        this.properties = properties;
        this.id = id;
        this.type = type;
        this.namespace = namespace;
        this.source = source;
        this.producer = producer;
        this.seq = seq;
        this.time = time;
        this.address = address;
        this.document = document;
    }

    /** This event with the application properties of the message that carried it. */
    Event withProperties(java.util.Map<String, Object> properties) {
        return new Event(id, type, namespace, source, producer, seq, time, address, document, java.util.Map.copyOf(properties));
    }

    /** The message's application properties by name: String, Long, Double or Boolean values. */
    java.util.Map<String, Object> properties() {
        return properties;
    }

    /** The event id (a UUID from our producers). Never null. */
    public String id() {
        return id;
    }

    /** The payload element's local name, for example {@code PhoneStatus}. */
    public String type() {
        return type;
    }

    /** The payload element's namespace ("" for none). */
    public String namespace() {
        return namespace;
    }

    /**
     * The version of the event type, by convention the last segment of its namespace when it is {@code v}
     * followed by digits ({@code urn:acme:billing:v2}, {@code http://acme.com/events/v2} → {@code "v2"}), or null.
     * A new major version of an event type is a new namespace; compatible changes (new optional elements)
     * keep the namespace.
     */
    public String version() {
        java.util.regex.Matcher m = VERSION.matcher(namespace);
        return m.find() ? m.group(1) : null;
    }

    /** The host or application that produced it, or null. */
    public String source() {
        return source;
    }

    /** The producer instance (a UUID per bus object or {@code sendevent} run), or null. */
    public String producer() {
        return producer;
    }

    /** The producer's sequence number (from 1), or null. With {@link #producer()} it identifies duplicates. */
    public Long seq() {
        return seq;
    }

    /** When it was published, as an xs:dateTime in UTC, or null. */
    public String time() {
        return time;
    }

    /** The address it arrived on, for example {@code xqbus.events.PhoneStatus}, or null when unknown. */
    public String address() {
        return address;
    }

    /** The document node of the event, the context item its filters saw. */
    public XdmNode document() {
        return document;
    }

    /** The payload element (the one child of {@code Event}). */
    public XdmNode payload() {
        XdmNode p = payload;
        if (p == null) {
            NodeInfo event = firstElement(document.getUnderlyingNode());
            NodeInfo node = event == null ? null : firstElement(event);
            if (node == null) {
                throw new IllegalStateException("event without payload");
            }
            p = new XdmNode(node);
            payload = p;   // a benign race: every thread finds the same node
        }
        return p;
    }

    private static NodeInfo firstElement(NodeInfo parent) {
        return parent.iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT).next();
    }

    /** The event document as XML text. */
    public String xml() {
        return document.toString();
    }

    /** The value of the payload's first child element with this local name, or null; handy in handlers. */
    public String value(String childLocalName) {
        AxisIterator children = payload().getUnderlyingNode().iterateAxis(AxisInfo.CHILD, NodeKindTest.ELEMENT);
        for (NodeInfo child = children.next(); child != null; child = children.next()) {
            if (child.getLocalPart().equals(childLocalName)) {
                return child.getStringValue();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Event[" + type + " id=" + id + (source == null ? "" : " source=" + source)
                + (seq == null ? "" : " seq=" + seq) + "]";
    }
}
