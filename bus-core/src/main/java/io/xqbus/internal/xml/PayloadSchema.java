package io.xqbus.internal.xml;

import java.util.List;

import javax.xml.validation.ValidatorHandler;

import org.xml.sax.XMLReader;

/** What the event parser needs of a schema set to check a payload. Internal. */
public interface PayloadSchema {

    /** Whether an event type {ns}local is declared (a global element that is not a building block). */
    boolean declares(String namespace, String localName);

    /** The global element {ns}local when it is a building block of another event (issue #17 item 5), else null. */
    default io.xqbus.internal.schema.ElementInfo buildingBlock(String namespace, String localName) {
        return null;
    }

    /** Declared event names close to the given one, best first. */
    List<String> nearMatches(String namespace, String localName);

    /** A validator for one payload on this thread (reused between documents; not thread-safe). */
    ValidatorHandler newValidatorHandler();

    /**
     * A hardened reader for this thread that validates inside the parser (see
     * {@link SecureXml#newValidatingReader}): the payload below an {@code Event} envelope, or a bare payload.
     */
    XMLReader validatingReader(boolean envelope);
}
