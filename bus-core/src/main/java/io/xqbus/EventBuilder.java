package io.xqbus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import io.xqbus.internal.xml.XmlWriter;

/**
 * Builds an event payload without writing XML by hand: the payload element, child values, nested elements
 * and attributes, all in the payload's namespace (the lineage's XSDs are {@code elementFormDefault="qualified"}).
 * The bus adds the envelope and validates the result against the XSD before anything is sent, exactly as for
 * XML text. Not thread-safe; build, then publish.
 *
 * <pre>{@code
 * bus.publish(EventBuilder.of("PhoneStatus")          // namespace looked up in the schema set
 *         .add("CallerId", "012345")
 *         .add("ReceiverId", "12343424")
 *         .add("Status", "busy"));
 *
 * EventBuilder.of("http://example.com/ev", "NodeUp")
 *         .add("Node", node -> node.attribute("kind", "worker").add("Address", "10.0.0.1"))
 *         .set("Node.Port", "8080");                    // dotted path: reuses Node, adds Port
 * }</pre>
 *
 * @since 0.1
 */
public final class EventBuilder {

    private final String namespace;
    private final Element root;
    private String id;
    private String source;

    private EventBuilder(String namespace, String type) {
        this.namespace = namespace;
        this.root = new Element(requireName(type));
    }

    /** An event of this type, its namespace looked up in the bus's schema set when it is published. */
    public static EventBuilder of(String type) {
        return new EventBuilder(null, type);
    }

    /** An event of this type in this namespace ("" for none). */
    public static EventBuilder of(String namespace, String type) {
        return new EventBuilder(Objects.requireNonNull(namespace, "namespace"), type);
    }

    /** Adds a child element with a text value. */
    public EventBuilder add(String name, String value) {
        root.add(name).text = Objects.requireNonNull(value, "value");
        return this;
    }

    /** Adds a child element and builds its content. */
    public EventBuilder add(String name, Consumer<ElementBuilder> content) {
        content.accept(new ElementBuilder(root.add(name)));
        return this;
    }

    /** Sets an attribute (no namespace) on the payload element. */
    public EventBuilder attribute(String name, String value) {
        root.attributes.put(requireName(name), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The largest index a {@link #set(String, String) path} step may give ({@code Method[10000]}): the
     * elements before it are created too, and an event is small (1 MiB at most), so a larger one is a slip
     * that would only exhaust memory.
     */
    public static final int MAX_INDEX = 10_000;

    /**
     * Sets a value by a dotted path below the payload element: {@code Status}, {@code Node.Address},
     * {@code Node.@kind} (an attribute), {@code Method[2].Name} (the second {@code Method}). Intermediate
     * elements are reused when they exist (the last one of that name, or the indexed one) and created
     * otherwise; the last step always adds a new element unless it is an attribute or an indexed step.
     *
     * @throws IllegalArgumentException when the path is malformed or an index is above {@link #MAX_INDEX}
     */
    public EventBuilder set(String path, String value) {
        Objects.requireNonNull(value, "value");
        String[] steps = path.split("\\.", -1);
        Element at = root;
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i];
            boolean last = i == steps.length - 1;
            if (step.startsWith("@")) {
                if (!last) {
                    throw new IllegalArgumentException("in '" + path + "': an attribute (" + step + ") must be the last step");
                }
                at.attributes.put(requireName(step.substring(1)), value);
                return this;
            }
            int bracket = step.indexOf('[');
            if (bracket >= 0) {
                if (!step.endsWith("]")) {
                    throw new IllegalArgumentException("in '" + path + "': bad step '" + step + "' (write Name[2])");
                }
                String name = requireName(step.substring(0, bracket));
                int index;
                try {
                    index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("in '" + path + "': bad index in '" + step + "'");
                }
                if (index < 1) {
                    throw new IllegalArgumentException("in '" + path + "': indexes start at 1");
                }
                if (index > MAX_INDEX) {
                    throw new IllegalArgumentException("in '" + path + "': the index " + index + " of " + name
                            + " is above the limit of " + MAX_INDEX + " (an event holds at most " + Limits.DEFAULT_MAX_EVENT_BYTES + " bytes)");
                }
                List<Element> same = at.children(name);
                while (same.size() < index) {
                    same.add(at.add(name));
                }
                at = same.get(index - 1);
            } else if (last) {
                at = at.add(requireName(step));
            } else {
                List<Element> same = at.children(requireName(step));
                at = same.isEmpty() ? at.add(step) : same.get(same.size() - 1);
            }
            if (last) {
                at.text = value;
            }
        }
        return this;
    }

    /** Sets the event id instead of letting the bus generate one. */
    public EventBuilder id(String id) {
        this.id = id;
        return this;
    }

    /** Sets the event's source instead of the bus's configured one. */
    public EventBuilder source(String source) {
        this.source = source;
        return this;
    }

    /** The payload element's local name, which is the event type. */
    public String type() {
        return root.name;
    }

    /** The namespace given, or null when the bus should look it up. */
    public String namespace() {
        return namespace;
    }

    /** The payload as an {@code Event} document in the given namespace, with the id and source if set. */
    public String toXml(String ns) {
        StringBuilder b = new StringBuilder(256);
        b.append("<Event");
        if (ns != null && !ns.isEmpty()) {
            b.append(" xmlns=\"").append(XmlWriter.escape(ns)).append('"');
        }
        if (id != null) {
            b.append(" id=\"").append(XmlWriter.escape(id)).append('"');
        }
        if (source != null) {
            b.append(" source=\"").append(XmlWriter.escape(source)).append('"');
        }
        b.append('>');
        root.write(b);
        b.append("</Event>");
        return b.toString();
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!Xml.isNcName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not an XML element or attribute name");
        }
        return name;
    }

    /** Builds the content of a nested element; see {@link EventBuilder#add(String, Consumer)}. */
    public static final class ElementBuilder {
        private final Element element;

        private ElementBuilder(Element element) {
            this.element = element;
        }

        /** Adds a child element with a text value. */
        public ElementBuilder add(String name, String value) {
            element.add(name).text = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Adds a child element and builds its content. */
        public ElementBuilder add(String name, Consumer<ElementBuilder> content) {
            content.accept(new ElementBuilder(element.add(name)));
            return this;
        }

        /** Sets an attribute (no namespace). */
        public ElementBuilder attribute(String name, String value) {
            element.attributes.put(requireName(name), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets the element's text. */
        public ElementBuilder text(String value) {
            element.text = value;
            return this;
        }
    }

    private static final class Element {
        final String name;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<Element> children = new ArrayList<>();
        String text;

        Element(String name) {
            this.name = name;
        }

        Element add(String childName) {
            Element e = new Element(requireName(childName));
            children.add(e);
            return e;
        }

        List<Element> children(String childName) {
            List<Element> out = new ArrayList<>();
            for (Element c : children) {
                if (c.name.equals(childName)) {
                    out.add(c);
                }
            }
            return out;
        }

        void write(StringBuilder b) {
            b.append('<').append(name);
            for (var a : attributes.entrySet()) {
                b.append(' ').append(a.getKey()).append("=\"").append(XmlWriter.escape(a.getValue())).append('"');
            }
            b.append('>');
            if (text != null) {
                b.append(XmlWriter.escape(text));
            }
            for (Element c : children) {
                c.write(b);
            }
            b.append("</").append(name).append('>');
        }
    }
}
