package io.xqbus.internal.xml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
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
    /**
     * The schema location hints XSD allows on any element, accepted on {@code Event} too (the lineage's inventory
     * events carry one) and never followed: validation uses the fixed schema set only. They are not envelope
     * fields; a producer writes its own envelope, so a hint on {@code Event} does not travel.
     */
    public static final Set<String> LOCATION_HINTS = Set.of("schemaLocation", "noNamespaceSchemaLocation");

    /**
     * What the parse found out.
     *
     * @param xmlVersion the version the XML declaration gave ({@code "1.0"} without one)
     */
    public record Parsed(String namespace, String type, String payloadPrefix, Map<String, String> envelope, boolean wrapped,
                         String xmlVersion) {
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
        // with a schema, the parser validates the payload itself, told by a glance at the root whether it is
        // below an envelope; where the glance cannot tell, a ValidatorHandler fed from the handler validates it
        h.rootGuess = schema == null ? RootGuess.UNKNOWN : RootGuess.of(input);
        XMLReader reader = h.rootGuess == RootGuess.UNKNOWN ? SecureXml.reader() : schema.validatingReader(h.rootGuess == RootGuess.EVENT);
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
        return new Parsed(h.payloadNs, h.payloadLocal, h.payloadPrefix, Collections.unmodifiableMap(h.envelope), h.wrapped,
                h.xmlVersion);
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
        private final List<String[]> pendingMappings = new ArrayList<>();
        /** The namespace declarations {prefix, uri} of the open elements, outermost first. */
        private final List<String[]> inScope = new ArrayList<>();
        /** Per depth: how many of the last entries of {@link #inScope} the element there declared. */
        private int[] declaredAt = new int[16];
        private final ElementPath path = new ElementPath();
        private final Map<String, String> envelope = new LinkedHashMap<>();

        private int depth;
        private int textChars;
        private boolean envelopeMode;
        private boolean wrapped;
        private String xmlVersion = "1.0";
        private int payloadDepth;       // depth of the payload root element (1 when wrapped, 2 otherwise)
        private String eventNs;
        private String payloadNs;
        private String payloadLocal;
        private String payloadPrefix;
        private boolean payloadSeen;
        private boolean payloadOpen;
        private RootGuess rootGuess;         // which validating reader parses (UNKNOWN: none)
        private ValidatorHandler validator;  // validates the payload when the reader does not, fed from here
        private SAXParseException validationError;
        private String validationPath;       // null: the error came from the parser, before this handler saw the element
        private SAXParseException parserValidationError;   // the validating reader's first error, if it applies

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
            inScope.clear();
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
            if (depth == declaredAt.length) {
                declaredAt = java.util.Arrays.copyOf(declaredAt, depth * 2);
            }
            declaredAt[depth] = pendingMappings.size();
            inScope.addAll(pendingMappings);
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
                if (locator instanceof org.xml.sax.ext.Locator2 l && l.getXMLVersion() != null) {
                    xmlVersion = l.getXMLVersion();
                }
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
                    var block = schema.buildingBlock(uri, localName);
                    throw new Rejection(block != null
                            ? UnknownEventTypeException.buildingBlock(uri, localName, block.partOf(), block.file(), here())
                            : new UnknownEventTypeException(uri, localName, schema.nearMatches(uri, localName), here()));
                }
            }
            if (schema != null && !readerValidates()) {
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
            if (validationError == null && parserValidationError != null && readerValidates()) {
                validationError = parserValidationError;
                validationPath = null;
            }
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
                if (javax.xml.XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI.equals(ns) && LOCATION_HINTS.contains(name)) {
                    continue;   // a hint, never followed (see LOCATION_HINTS)
                }
                if (!ns.isEmpty() || !ENVELOPE_ATTRIBUTES.contains(name)) {
                    throw reject("the Event element may carry only the attributes " + String.join(", ", new java.util.TreeSet<>(ENVELOPE_ATTRIBUTES))
                            + " (and the hints xsi:schemaLocation, xsi:noNamespaceSchemaLocation), not " + atts.getQName(i));
                }
                envelope.put(name, atts.getValue(i));
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            textChars = 0;
            int declared = declaredAt[depth];
            if (payloadOpen) {
                if (validator != null) {
                    validator.endElement(uri, localName, qName);
                    endMappings(validator, declared);
                }
                checkValidation();
                if (payloadSink != null) {
                    payloadSink.endElement(uri, localName, qName);
                    endMappings(payloadSink, declared);
                }
                if (documentSink != null) {
                    documentSink.endElement(uri, localName, qName);
                    endMappings(documentSink, declared);
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
            for (int i = 0; i < declared; i++) {
                inScope.remove(inScope.size() - 1);
            }
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

        /** Ends the prefix mappings the current element declared (the last {@code count} in scope). */
        private void endMappings(ContentHandler sink, int count) throws SAXException {
            for (int i = inScope.size() - count; i < inScope.size(); i++) {
                sink.endPrefixMapping(inScope.get(i)[0]);
            }
        }

        /** The namespaces in scope, prefix to URI (the innermost declaration wins), in the order first declared. */
        private Map<String, String> namespacesInScope() {
            Map<String, String> bound = new LinkedHashMap<>();
            for (String[] m : inScope) {
                if (!"xml".equals(m[0])) {
                    bound.put(m[0], m[1]);
                }
            }
            return bound;
        }

        /** Declares every namespace in scope on the payload root, so the subtree stands on its own. */
        private void replayInScope(ContentHandler sink) throws SAXException {
            Map<String, String> bound = namespacesInScope();
            for (var m : bound.entrySet()) {
                if (!m.getKey().isEmpty()) {
                    sink.startPrefixMapping(m.getKey(), m.getValue());
                }
            }
            String def = bound.get("");
            if (def != null && !def.isEmpty()) {
                sink.startPrefixMapping("", def);
            }
        }

        /** The validator gets the ancestors' namespaces at startDocument and the element's own ones with it. */
        private void replayInScopeWithoutCurrent(ContentHandler sink) throws SAXException {
            Map<String, String> inherited = namespacesInScope();
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
            if (rootGuess != RootGuess.UNKNOWN && isValidationError(e)) {
                if (parserValidationError == null) {
                    parserValidationError = e;   // counts once the root shows the reader was the right one
                }
                return;
            }
            throw e;
        }

        /** Whether the validating reader's judgement holds: its guess about the root was right. */
        private boolean readerValidates() {
            return rootGuess == RootGuess.EVENT ? envelopeMode : rootGuess == RootGuess.PAYLOAD && wrapped;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    /**
     * What the start of a document says its root is, read without consuming it (byte and character streams
     * that can be reset: those of {@link SecureXml#bytes} and {@link SecureXml#text}). Only picks the validating
     * reader; the parse itself decides, and a wrong or missing guess costs speed, never correctness.
     */
    enum RootGuess {
        EVENT, PAYLOAD, UNKNOWN;

        private static final int LOOK = 512;

        static RootGuess of(InputSource input) {
            try {
                char[] head = new char[LOOK];
                int n;
                if (input.getCharacterStream() != null && input.getCharacterStream().markSupported()) {
                    java.io.Reader r = input.getCharacterStream();
                    r.mark(LOOK);
                    n = Math.max(0, r.read(head, 0, LOOK));
                    r.reset();
                } else if (input.getCharacterStream() == null && input.getByteStream() != null && input.getByteStream().markSupported()) {
                    java.io.InputStream in = input.getByteStream();
                    byte[] bytes = new byte[LOOK];
                    in.mark(LOOK);
                    n = Math.max(0, in.readNBytes(bytes, 0, LOOK));
                    in.reset();
                    for (int i = 0; i < n; i++) {
                        head[i] = (char) (bytes[i] & 0xFF);   // enough for the ASCII markup of UTF-8 and its kin
                    }
                } else {
                    return UNKNOWN;
                }
                return of(head, n);
            } catch (IOException e) {
                return UNKNOWN;
            }
        }

        /** Where {@code s} next occurs in {@code c[from, n)}, or -1 (the glance copies nothing). */
        private static int indexOf(char[] c, int n, String s, int from) {
            for (int i = from; i + s.length() <= n; i++) {
                if (c[i] == s.charAt(0) && c[i + 1] == s.charAt(1) && (s.length() == 2 || c[i + 2] == s.charAt(2))) {
                    return i;
                }
            }
            return -1;
        }

        /** The root element's local name after an optional BOM, XML declaration, comments and whitespace. */
        static RootGuess of(char[] c, int n) {
            int i = 0;
            if (n >= 3 && c[0] == 0xEF && c[1] == 0xBB && c[2] == 0xBF) {
                i = 3;   // UTF-8 byte order mark, read as bytes
            } else if (n >= 1 && c[0] == '\uFEFF') {
                i = 1;
            }
            while (true) {
                while (i < n && (c[i] == ' ' || c[i] == '\t' || c[i] == '\r' || c[i] == '\n')) {
                    i++;
                }
                if (i + 1 >= n || c[i] != '<') {
                    return UNKNOWN;
                }
                if (c[i + 1] == '?' || c[i + 1] == '!') {
                    String end = c[i + 1] == '?' ? "?>" : "-->";
                    if (c[i + 1] == '!' && !(i + 3 < n && c[i + 2] == '-' && c[i + 3] == '-')) {
                        return UNKNOWN;   // a DOCTYPE or worse: the parser will say what is wrong
                    }
                    int close = indexOf(c, n, end, i + 2);
                    if (close < 0) {
                        return UNKNOWN;
                    }
                    i = close + end.length();
                    continue;
                }
                int start = i + 1;
                int j = start;
                while (j < n && c[j] != '>' && c[j] != '/' && c[j] != ' ' && c[j] != '\t' && c[j] != '\r' && c[j] != '\n') {
                    j++;
                }
                if (j >= n || j == start) {
                    return UNKNOWN;
                }
                String name = new String(c, start, j - start);
                int colon = name.indexOf(':');
                return (colon < 0 ? name : name.substring(colon + 1)).equals(EventParser.EVENT) ? EVENT : PAYLOAD;
            }
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
