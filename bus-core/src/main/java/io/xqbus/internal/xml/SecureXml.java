package io.xqbus.internal.xml;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.namespace.QName;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;

import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * Hardened SAX readers for XML that comes from users and from the network (STACK.md, "Secure XML"):
 * DOCTYPE refused, no external entities or DTDs, no XInclude, an entity resolver that refuses, the JDK's
 * secure-processing limits on. Internal; not part of the API.
 */
public final class SecureXml {

    /** The Xerces feature that makes any DOCTYPE a fatal error. */
    public static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";

    /** The Xerces property that fixes the type the root element is assessed against. */
    private static final String ROOT_TYPE = "http://apache.org/xml/properties/validation/schema/root-type-definition";
    private static final String AUGMENT_PSVI = "http://apache.org/xml/features/validation/schema/augment-psvi";

    private static final SAXParserFactory FACTORY = newFactory();
    private static final ThreadLocal<XMLReader> READERS = ThreadLocal.withInitial(SecureXml::newReaderUnchecked);

    private SecureXml() {
    }

    /** A hardened reader for this thread; set its handlers before each parse. */
    public static XMLReader reader() {
        return READERS.get();
    }

    /** A new hardened reader (for callers that keep their own). */
    public static XMLReader newReader() throws SAXException {
        try {
            XMLReader reader;
            synchronized (FACTORY) {
                reader = FACTORY.newSAXParser().getXMLReader();
            }
            return harden(reader);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened: " + e, e);
        }
    }

    /**
     * A new hardened reader that also validates against {@code schema} inside the parser's own pipeline (the
     * JDK's validator as a parser component: no second pass over SAX events, which costs about as much as the
     * parse itself); validation errors reach the error handler's {@code error} method.
     *
     * @param envelope true: the root element is assessed as {@code xs:anyType}, so an envelope is not validated
     *                 while the payload below it, a declared global element, is; false: the root is the payload
     */
    public static XMLReader newValidatingReader(Schema schema, boolean envelope) throws SAXException {
        try {
            SAXParserFactory f = newFactory();
            f.setSchema(schema);
            XMLReader reader = harden(f.newSAXParser().getXMLReader());
            // no post-schema-validation infoset: nothing reads it, and building it is a fifth of the validator's work
            reader.setFeature(AUGMENT_PSVI, false);
            if (envelope) {
                reader.setProperty(ROOT_TYPE, new QName(XMLConstants.W3C_XML_SCHEMA_NS_URI, "anyType"));
            }
            return reader;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened: " + e, e);
        }
    }

    private static XMLReader harden(XMLReader reader) throws SAXException {
        reader.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("external entity " + systemId + " refused: events may not reference external resources");
        });
        reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return reader;
    }

    private static XMLReader newReaderUnchecked() {
        try {
            return newReader();
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened: " + e, e);
        }
    }

    private static SAXParserFactory newFactory() {
        try {
            SAXParserFactory f = SAXParserFactory.newDefaultInstance();
            f.setNamespaceAware(true);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature(DISALLOW_DOCTYPE, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/namespace-prefixes", false);
            return f;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened: " + e, e);
        }
    }

    /** An input source for bytes: the parser honours the BOM and XML declaration, invalid bytes are errors. */
    public static InputSource bytes(byte[] body, String systemId) {
        InputSource in = new InputSource(new java.io.ByteArrayInputStream(body));
        in.setSystemId(systemId);
        return in;
    }

    /** An input source for text that is already decoded. */
    public static InputSource text(String body, String systemId) {
        InputSource in = new InputSource(new java.io.StringReader(body));
        in.setSystemId(systemId);
        return in;
    }
}
