package io.xqbus.internal.schema;

/**
 * A global element declared by an XSD file: an event type, with where it is declared and the text of its
 * {@code xs:documentation}; or a building block of another event (issue #17 item 5). Internal; the API is
 * {@link io.xqbus.EventType}.
 *
 * @param partOf   null for an event type; for a building block, the event of its file (a file {@code X.xsd}
 *                 that declares an element {@code X} contributes only {@code X} as an event type)
 * @param replaces the predefined file whose definition of this event a {@code +DIR} file replaced, or null
 */
public record ElementInfo(String namespace, String name, String file, int line, int column, String documentation,
                          String typeName, java.util.List<FieldInfo> fields, String partOf, String replaces) {

    /** The same element with its fields resolved from a named type. */
    ElementInfo withFields(java.util.List<FieldInfo> resolved) {
        return new ElementInfo(namespace, name, file, line, column, documentation, typeName, resolved, partOf, replaces);
    }

    /** The same element with this documentation (its type's, where the element has none). */
    ElementInfo withDocumentation(String text) {
        return new ElementInfo(namespace, name, file, line, column, text, typeName, fields, partOf, replaces);
    }

    /** The same element as a building block of the event {@code event}. */
    ElementInfo asBuildingBlockOf(String event) {
        return new ElementInfo(namespace, name, file, line, column, documentation, typeName, fields, event, replaces);
    }

    /** The same element, replacing the predefined definition in {@code predefinedFile}. */
    ElementInfo replacing(String predefinedFile) {
        return new ElementInfo(namespace, name, file, line, column, documentation, typeName, fields, partOf, predefinedFile);
    }

    /** Whether it is an event type (not a building block). */
    public boolean event() {
        return partOf == null;
    }
}
