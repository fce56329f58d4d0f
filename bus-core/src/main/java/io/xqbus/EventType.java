package io.xqbus;

import java.util.List;

/**
 * An event type a schema set knows: a global element of one of its XSDs, with the file that declares it and
 * the text of its {@code xs:documentation}, so people and tools can discover what they may send.
 *
 * @param namespace     the element's namespace ("" for none)
 * @param name          the element's local name, which is also the type name and the last part of its address
 * @param file          the XSD file that declares it
 * @param documentation the first {@code xs:documentation} of the declaration, or null
 * @param fields        the child elements and attributes its type declares, in order
 * @param replaces      the predefined file whose definition of this event type a {@code --schemas +DIR} file
 *                      replaced, or null
 * @since 0.1
 */
public record EventType(String namespace, String name, String file, String documentation, List<Field> fields, String replaces) {

    /** An event type that replaces no predefined one. */
    public EventType(String namespace, String name, String file, String documentation, List<Field> fields) {
        this(namespace, name, file, documentation, fields, null);
    }

    /**
     * A child element or attribute the event type declares directly (nested content is shown by its type).
     *
     * @param name          the local name
     * @param type          the XSD type as written ({@code xs:string}, {@code NetworkDevice}), or {@code (nested)}
     * @param attribute     whether it is an attribute
     * @param minOccurs     the minimum occurrences ("0" for optional)
     * @param maxOccurs     the maximum occurrences ("unbounded" for lists)
     * @param documentation its {@code xs:documentation}, or null
     * @param choice        0 for a field of a sequence or {@code xs:all}; n for an alternative of the type's n-th
     *                      {@code xs:choice} (exactly one of the fields with that n is given, whatever its minOccurs)
     */
    public record Field(String name, String type, boolean attribute, String minOccurs, String maxOccurs, String documentation,
                        int choice) {

        /** A field outside any {@code xs:choice}. */
        public Field(String name, String type, boolean attribute, String minOccurs, String maxOccurs, String documentation) {
            this(name, type, attribute, minOccurs, maxOccurs, documentation, 0);
        }
    }
}
