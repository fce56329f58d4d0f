package io.xqbus;

/**
 * An event type a schema set knows: a global element of one of its XSDs, with the file that declares it and
 * the text of its {@code xs:documentation}, so people and tools can discover what they may send.
 *
 * @param namespace     the element's namespace ("" for none)
 * @param name          the element's local name, which is also the type name and the last part of its address
 * @param file          the XSD file that declares it
 * @param documentation the first {@code xs:documentation} of the declaration, or null
 * @since 0.1
 */
public record EventType(String namespace, String name, String file, String documentation) {
}
