package io.xqbus.internal.xml;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.validation.ValidatorHandler;

import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.NamespaceSupport;

import io.xqbus.InvalidEventException;
import io.xqbus.Location;
import io.xqbus.UnknownEventTypeException;

/**
 * One SAX pass over an event document (brief §2) that does everything the bus needs of it: parses with a
 * hardened reader, checks the envelope (root {@code Event} in the payload's namespace, exactly one payload
 * element, only the envelope attributes), enforces the depth limit, refuses processing instructions,
 * validates the payload subtree against its XSD (keeping line, column and element path), and hands the
 * events to up to two sinks:
 * <ul>
 * <li>a <em>payload sink</em> receives the payload subtree as a document of its own, with every namespace
 * in scope re-declared (the producer serialises it and adds the envelope);</li>
 * <li>a <em>document sink</em> receives the whole event, a bare payload wrapped in an {@code Event}
 * element first (the consumer builds its Saxon tree from it).</li>
 * </ul>
 * Internal; not thread-safe (one instance per parse).
 */
public final class EventParser {

    /** The local name of the envelope element. */
    public static final String EVENT = "Event";
    /** The envelope attributes of brief §2, the only ones allowed on {@code Event}. */
    public static final Set<String> ENVELOPE_ATTRIBUTES = Set.of("id", "source", "producer", "seq", "time");

    /** What the parse found out. */
    public record Parsed(String namespace, String type, String payloadPrefix, Map<String, String> envelope, boolean wrapped) {
    }

    private final String sourceName;
    private final int maxDepth;
    private final int maxValueChars;
    private final PayloadSchema schema;
    private final ContentHandler payloadSink;
    private final ContentHandler documentSink;

    private EventParser(String sourceName, io.xqbus.Limits limits, PayloadSchema schema, ContentHandler payloadSink, ContentHandler documentSink) {
        this.sourceName = sourceName;
        this.maxDepth = limits.maxDepth();
        this.maxValueChars = limits.maxValueChars();
        this.schema = schema;
        this.payloadSink = payloadSink;
        this.documentSink = documentSink;
    }

    /**
     * Parses one event.
     *
     * @param input        the document (bytes keep their declared encoding; invalid bytes are errors)
     * @param sourceName   the name used in error locations: a file name, {@code <stdin>}, a message id
     * @param limits       the deepest nesting accepted (the {@code Event} element is depth 1) and the longest value
     * @param schema       validates the payload; null accepts any payload without validation
     * @param payloadSink  receives the payload subtree as its own document; may be null
     * @param documentSink receives the whole (wrapped) event document; may be null
     * @throws InvalidEventException with the location of the first problem
     */
    public static Parsed parse(InputSource input, String sourceName, io.xqbus.Limits limits, PayloadSchema schema,
                               ContentHandler payloadSink, ContentHandler documentSink) throws InvalidEventException {
        EventParser p = new EventParser(sourceName, limits, schema, payloadSink, documentSink);
        return p.run(input);
    }

    private Parsed run(InputSource input) throws InvalidEventException {
        Handler h = new Handler();
        // with a schema, the parser validates an enveloped payload itself; a bare one goes through a ValidatorHandler
        h.validatingReader = schema != null;
        XMLReader reader = schema != null ? schema.validatingReader() : SecureXml.reader();
        reader.setContentHandler(h);
        reader.setErrorHandler(h);
        try {
            reader.parse(input);
        } catch (Rejection r) {
            throw r.exception;
        } catch (SAXParseException e) {
            throw new InvalidEventException(explain(e.getMessage()),
                    new Location(sourceName, e.getLineNumber(), e.getColumnNumber(), h.path()), e);
        } catch (SAXException e) {
            Throwable cause = e.getException() != null ? e.getException() : e;
            throw new InvalidEventException("cannot parse the event: " + explain(String.valueOf(cause.getMessage())),
                    h.here(), cause);
        } catch (IOException e) {
            throw new InvalidEventException("cannot read the event: " + explain(String.valueOf(e.getMessage())), h.here(), e);
        } finally {
            reader.setContentHandler(null);
            reader.setErrorHandler(null);
        }
        return new Parsed(h.payloadNs, h.payloadLocal, h.payloadPrefix, Collections.unmodifiableMap(h.envelope), h.wrapped);
    }

    /**
     * Refuses bytes whose byte order mark and XML declaration disagree about the encoding (the JDK parser
     * silently believes one of them): a UTF-8 mark with another declared encoding, or a UTF-16 mark with a
     * declared encoding that is not UTF-16.
     */
    public static void checkEncoding(byte[] body, String sourceName) throws InvalidEventException {
        String bom = null;
        int skip = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            bom = "UTF-8";
            skip = 3;
        } else if (body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE)) {
            bom = "UTF-16";
            skip = 2;
        }
        if (bom == null) {
            return;
        }
        String head = bom.equals("UTF-8")
                ? new String(body, skip, Math.min(200, body.length - skip), java.nio.charset.StandardCharsets.ISO_8859_1)
                : new String(body, 0, Math.min(400, body.length), (body[0] & 0xFF) == 0xFE
                        ? java.nio.charset.StandardCharsets.UTF_16BE : java.nio.charset.StandardCharsets.UTF_16LE).substring(1);
        var m = java.util.regex.Pattern.compile("^<\\?xml[^>]*encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']").matcher(head);
        if (m.find()) {
            String declared = m.group(1).toUpperCase(java.util.Locale.ROOT);
            boolean agrees = bom.equals("UTF-8") ? declared.equals("UTF-8") || declared.equals("UTF8") : declared.startsWith("UTF-16");
            if (!agrees) {
                throw new InvalidEventException("the byte order mark says " + bom + " but the XML declaration says " + m.group(1)
                        + ": the encoding is ambiguous", new Location(sourceName, 1, 1, null));
            }
        }
    }

    /** Turns the JDK parser's wording into one a user understands at once. */
    static String explain(String message) {
        if (message == null) {
            return "not well-formed XML";
        }
        if (message.contains("disallow-doctype-decl") || message.contains("DOCTYPE")) {
            return "DOCTYPE declarations are not allowed in events (no DTDs, no entities)";
        }
        if (message.contains("Invalid byte") || message.contains("invalid byte")) {
            return "invalid bytes for the declared encoding (" + message + ")";
        }
        return message;
    }

    /** An error found by the handler itself; carries the public exception through the SAX machinery. */
    private static final class Rejection extends SAXException {
        private static final long serialVersionUID = 1L;
        final transient InvalidEventException exception;

        Rejection(InvalidEventException exception) {
            super(exception.getMessage());
            this.exception = exception;
        }
    }

    private final class Handler implements ContentHandler, ErrorHandler {
        private Locator locator;
        private final NamespaceSupport namespaces = new NamespaceSupport();
        private final List<String[]> pendingMappings = new ArrayList<>();
        private final Deque<List<String>> declaredPerElement = new ArrayDeque<>();
        private final ElementPath path = new ElementPath();
        private final Map<String, String> envelope = new LinkedHashMap<>();

        private int depth;
        private int textChars;
        private boolean envelopeMode;
        private boolean wrapped;
        private int payloadDepth;       // depth of the payload root element (1 when wrapped, 2 otherwise)
        private String eventNs;
        private String payloadNs;
        private String payloadLocal;
        private String payloadPrefix;
        private boolean payloadSeen;
        private boolean payloadOpen;
        private boolean validatingReader;   // the parser validates (the payload below an envelope)
        private ValidatorHandler validator;  // validates a bare payload, fed from here
        private SAXParseException validationError;
        private String validationPath;       // null: the error came from the parser, before this handler saw the element

        String path() {
            return path.text();
        }

        Location here() {
            return locator == null ? new Location(sourceName, 0, 0, path())
                    : new Location(sourceName, locator.getLineNumber(), locator.getColumnNumber(), path());
        }

        private Rejection reject(String problem) {
            return new Rejection(new InvalidEventException(problem, here()));
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startDocument() {
            namespaces.reset();
        }

        @Override
        public void endDocument() throws SAXException {
            checkValidation();
            if (!payloadSeen) {
                throw reject("the Event element has no payload element: an event holds exactly one child element");
            }
            if (documentSink != null) {
                documentSink.endDocument();
            }
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) {
            pendingMappings.add(new String[] {prefix, uri});
        }

        @Override
        public void endPrefixMapping(String prefix) {
            // handled in endElement, from the mappings recorded per element
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            depth++;
            namespaces.pushContext();
            List<String> declared = pendingMappings.isEmpty() ? List.of() : new ArrayList<>(pendingMappings.size());
            for (String[] m : pendingMappings) {
                namespaces.declarePrefix(m[0], m[1]);
                declared.add(m[0]);
            }
            declaredPerElement.push(declared);
            path.enter(localName);
            if (depth > maxDepth) {
                throw reject("the event nests elements deeper than " + maxDepth + " levels");
            }
            textChars = 0;
            for (int i = 0; i < atts.getLength(); i++) {
                if (atts.getValue(i).length() > maxValueChars) {
                    throw reject("the attribute " + atts.getQName(i) + " is " + atts.getValue(i).length()
                            + " characters long, more than the limit of " + maxValueChars);
                }
            }

            if (depth == 1) {
                if (EVENT.equals(localName)) {
                    envelopeMode = true;
                    eventNs = uri;
                    readEnvelope(atts);
                    payloadDepth = 2;
                    if (documentSink != null) {
                        documentSink.startDocument();
                        flushMappings(documentSink);
                        documentSink.startElement(uri, localName, qName, atts);
                    }
                    pendingMappings.clear();
                    return;
                }
                wrapped = true;
                payloadDepth = 1;
            }

            if (depth == payloadDepth) {
                if (payloadSeen) {
                    throw reject("the Event element has more than one payload element: an event holds exactly one child element");
                }
                payloadSeen = true;
                startPayload(uri, localName, qName);
            }

            if (payloadOpen) {
                if (validator != null) {
                    flushMappings(validator);
                    validator.startElement(uri, localName, qName, atts);
                }
                checkValidation();
                if (payloadSink != null) {
                    if (depth == payloadDepth) {
                        replayInScope(payloadSink);
                    } else {
                        flushMappings(payloadSink);
                    }
                    payloadSink.startElement(uri, localName, qName, atts);
                }
                if (documentSink != null) {
                    flushMappings(documentSink);
                    documentSink.startElement(uri, localName, qName, atts);
                }
            }
            pendingMappings.clear();
        }

        private void startPayload(String uri, String localName, String qName) throws SAXException {
            payloadNs = uri;
            payloadLocal = localName;
            int colon = qName.indexOf(':');
            payloadPrefix = colon < 0 ? "" : qName.substring(0, colon);
            if (envelopeMode && !eventNs.equals(uri)) {
                throw reject("the Event element is in namespace '" + eventNs + "' but its payload " + localName
                        + " is in '" + uri + "': the envelope must be in the namespace of its payload");
            }
            if (schema != null) {
                if (!schema.declares(uri, localName)) {
                    throw new Rejection(new UnknownEventTypeException(uri, localName, schema.nearMatches(uri, localName), here()));
                }
            }
            if (schema != null && wrapped) {
                validator = schema.newValidatorHandler();
                validator.setErrorHandler(new ErrorHandler() {
                    @Override
                    public void warning(SAXParseException e) {
                    }

                    @Override
                    public void error(SAXParseException e) {
                        if (validationError == null) {
                            validationError = e;
                            validationPath = path();
                        }
                    }

                    @Override
                    public void fatalError(SAXParseException e) {
                        error(e);
                    }
                });
                if (locator != null) {
                    validator.setDocumentLocator(locator);
                }
                validator.startDocument();
                replayInScopeWithoutCurrent(validator);
            }
            if (wrapped && documentSink != null) {
                documentSink.startDocument();
                String eventQName = payloadPrefix.isEmpty() ? EVENT : payloadPrefix + ":" + EVENT;
                documentSink.startPrefixMapping(payloadPrefix, uri);
                documentSink.startElement(uri, EVENT, eventQName, new AttributesImpl());
            }
            if (payloadSink != null) {
                payloadSink.startDocument();
            }
            payloadOpen = true;
        }

        /**
         * Throws the first validation error. The parser reports an error before it passes the element on, so an
         * error without a recorded path gets the path of the element this handler is at now: the same element.
         */
        private void checkValidation() throws SAXException {
            if (validationError != null) {
                SAXParseException e = validationError;
                throw new Rejection(new InvalidEventException("the payload breaks its XSD: " + e.getMessage(),
                        new Location(sourceName, e.getLineNumber(), e.getColumnNumber(), validationPath != null ? validationPath : path()), e));
            }
        }

        private void readEnvelope(Attributes atts) throws SAXException {
            for (int i = 0; i < atts.getLength(); i++) {
                String ns = atts.getURI(i);
                String name = atts.getLocalName(i);
                if (!ns.isEmpty() || !ENVELOPE_ATTRIBUTES.contains(name)) {
                    throw reject("the Event element may carry only the attributes " + String.join(", ", new java.util.TreeSet<>(ENVELOPE_ATTRIBUTES))
                            + ", not " + atts.getQName(i));
                }
                envelope.put(name, atts.getValue(i));
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            textChars = 0;
            List<String> declared = declaredPerElement.pop();
            if (payloadOpen) {
                if (validator != null) {
                    validator.endElement(uri, localName, qName);
                    for (String p : declared) {
                        validator.endPrefixMapping(p);
                    }
                }
                checkValidation();
                if (payloadSink != null) {
                    payloadSink.endElement(uri, localName, qName);
                    for (String p : declared) {
                        payloadSink.endPrefixMapping(p);
                    }
                }
                if (documentSink != null) {
                    documentSink.endElement(uri, localName, qName);
                    for (String p : declared) {
                        documentSink.endPrefixMapping(p);
                    }
                }
                if (depth == payloadDepth) {
                    endPayload();
                }
            } else if (depth == 1) {
                checkValidation();
                if (documentSink != null) {
                    documentSink.endElement(uri, localName, qName);
                }
            }
            namespaces.popContext();
            path.leave();
            depth--;
        }

        private void endPayload() throws SAXException {
            payloadOpen = false;
            if (validator != null) {
                validator.endDocument();
                checkValidation();
            }
            if (payloadSink != null) {
                payloadSink.endDocument();
            }
            if (wrapped && documentSink != null) {
                documentSink.endElement(payloadNs, EVENT, payloadPrefix.isEmpty() ? EVENT : payloadPrefix + ":" + EVENT);
                documentSink.endPrefixMapping(payloadPrefix);
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            textChars += length;
            if (textChars > maxValueChars) {
                throw reject("the text of an element is longer than the limit of " + maxValueChars + " characters");
            }
            if (payloadOpen) {
                if (validator != null) {
                    validator.characters(ch, start, length);
                    checkValidation();
                }
                if (payloadSink != null) {
                    payloadSink.characters(ch, start, length);
                }
                if (documentSink != null) {
                    documentSink.characters(ch, start, length);
                }
            } else if (depth >= 1 && !isWhitespace(ch, start, length)) {
                throw reject("text outside the payload element: the Event element holds only its payload element");
            }
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            characters(ch, start, length);
        }

        @Override
        public void processingInstruction(String target, String data) throws SAXException {
            throw reject("processing instructions are not allowed in events (<?" + target + " …?>)");
        }

        @Override
        public void skippedEntity(String name) throws SAXException {
            throw reject("entity references are not allowed in events (&" + name + ";)");
        }

        private void flushMappings(ContentHandler sink) throws SAXException {
            for (String[] m : pendingMappings) {
                sink.startPrefixMapping(m[0], m[1]);
            }
        }

        /** Declares every namespace in scope on the payload root, so the subtree stands on its own. */
        private void replayInScope(ContentHandler sink) throws SAXException {
            for (var e = namespaces.getPrefixes(); e.hasMoreElements(); ) {
                String p = e.nextElement();
                if (!"xml".equals(p)) {
                    sink.startPrefixMapping(p, namespaces.getURI(p));
                }
            }
            String def = namespaces.getURI("");
            if (def != null && !def.isEmpty()) {
                sink.startPrefixMapping("", def);
            }
        }

        /** The validator gets the ancestors' namespaces at startDocument and the element's own ones with it. */
        private void replayInScopeWithoutCurrent(ContentHandler sink) throws SAXException {
            Map<String, String> inherited = new HashMap<>();
            for (var e = namespaces.getPrefixes(); e.hasMoreElements(); ) {
                String p = e.nextElement();
                if (!"xml".equals(p)) {
                    inherited.put(p, namespaces.getURI(p));
                }
            }
            String def = namespaces.getURI("");
            if (def != null) {
                inherited.put("", def);
            }
            for (String[] m : pendingMappings) {
                inherited.remove(m[0]);
            }
            for (var m : inherited.entrySet()) {
                sink.startPrefixMapping(m.getKey(), m.getValue());
            }
        }

        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            if (validatingReader && isValidationError(e)) {
                // below an envelope: the payload's first error counts; in a bare payload the parser assessed the
                // root as anyType, so what it says there is beside the point (the ValidatorHandler judges it)
                if (!wrapped && validationError == null) {
                    validationError = e;
                    validationPath = null;
                }
                return;
            }
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    /** A schema-validity error (all of the JDK's begin with their key, cvc-…), not a well-formedness one. */
    private static boolean isValidationError(SAXParseException e) {
        String m = e.getMessage();
        return m != null && m.startsWith("cvc-");
    }

    private static boolean isWhitespace(char[] ch, int start, int length) {
        for (int i = start; i < start + length; i++) {
            char c = ch[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
