package io.xqbus.internal.schema;

/** A child element or attribute of an event type, as its XSD declares it. Internal; the API is {@link io.xqbus.EventType.Field}. */
public record FieldInfo(String name, String type, boolean attribute, String minOccurs, String maxOccurs, String documentation) {
}
