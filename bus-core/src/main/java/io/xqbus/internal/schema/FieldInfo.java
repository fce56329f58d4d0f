package io.xqbus.internal.schema;

/**
 * A child element or attribute of an event type, as its XSD declares it. Internal; the API is {@link io.xqbus.EventType.Field}.
 *
 * @param choice 0 for a field of a sequence or all; n for the fields of the n-th {@code xs:choice} of the type
 */
public record FieldInfo(String name, String type, boolean attribute, String minOccurs, String maxOccurs, String documentation,
                        int choice) {
}
