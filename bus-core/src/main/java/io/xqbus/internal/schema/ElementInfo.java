package io.xqbus.internal.schema;

/**
 * A global element declared by an XSD file: an event type, with where it is declared and the text of its
 * {@code xs:documentation}. Internal; the API is {@link io.xqbus.EventType}.
 */
public record ElementInfo(String namespace, String name, String file, int line, int column, String documentation,
                          String typeName, java.util.List<FieldInfo> fields) {

    /** The same element with its fields resolved from a named type. */
    ElementInfo withFields(java.util.List<FieldInfo> resolved) {
        return new ElementInfo(namespace, name, file, line, column, documentation, typeName, resolved);
    }
}
