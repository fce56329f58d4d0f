package io.xqbus.internal.xml;

import java.util.List;

import javax.xml.validation.ValidatorHandler;

import org.xml.sax.XMLReader;

/** What the event parser needs of a schema set to check a payload. Internal. */
public interface PayloadSchema {

    /** Whether a global element {ns}local is declared. */
    boolean declares(String namespace, String localName);

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
