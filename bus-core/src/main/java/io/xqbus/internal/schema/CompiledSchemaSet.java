package io.xqbus.internal.schema;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;

import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

import io.xqbus.Location;
import io.xqbus.SchemaException;
import io.xqbus.internal.xml.PayloadSchema;
import io.xqbus.internal.xml.SecureXml;

/**
 * A set of XSD files compiled as one schema (brief §5). Files of one namespace are joined by an in-memory
 * driver that {@code xs:include}s each of them, so a file may use a type another file defines; drivers of
 * different namespaces are compiled together. Every file is read into memory first: includes and imports
 * are served from that snapshot and refused when they point anywhere else. Immutable and thread-safe.
 * Internal; the API is {@link io.xqbus.SchemaSet}.
 */
public final class CompiledSchemaSet implements PayloadSchema {

    /** One XSD file: a name for messages and the bytes read. */
    public record SchemaFile(String displayName, URI uri, byte[] content) {
    }

    private final Schema schema;
    private final Map<String, ElementInfo> elements;   // key: {ns}local
    private final List<SchemaFile> files;
    private final Map<String, Set<String>> declaredNames;   // target namespace -> element and attribute names

    private CompiledSchemaSet(Schema schema, Map<String, ElementInfo> elements, List<SchemaFile> files,
                              Map<String, Set<String>> declaredNames) {
        this.schema = schema;
        this.elements = elements;
        this.files = files;
        this.declaredNames = declaredNames;
    }

    /** Every element and attribute name the schemas declare (at any depth), by target namespace. */
    public Map<String, Set<String>> declaredNames() {
        return declaredNames;
    }

    /** The event types declared (global elements that are not building blocks), in namespace and name order. */
    public List<ElementInfo> elements() {
        return elements.values().stream().filter(ElementInfo::event).toList();
    }

    /** The files this set was compiled from. */
    public List<SchemaFile> files() {
        return files;
    }

    @Override
    public boolean declares(String namespace, String localName) {
        ElementInfo e = elements.get(key(namespace, localName));
        return e != null && e.event();
    }

    @Override
    public ElementInfo buildingBlock(String namespace, String localName) {
        ElementInfo e = elements.get(key(namespace, localName));
        return e != null && !e.event() ? e : null;
    }

    /** The event type declared as {ns}local, or null. */
    public ElementInfo element(String namespace, String localName) {
        ElementInfo e = elements.get(key(namespace, localName));
        return e != null && e.event() ? e : null;
    }

    /** Every declared building block with this local name, in any namespace. */
    public List<ElementInfo> buildingBlocksNamed(String localName) {
        return elements.values().stream().filter(e -> !e.event() && e.name().equals(localName)).toList();
    }

    /** Every declared event type with this local name, in any namespace. */
    public List<ElementInfo> elementsNamed(String localName) {
        List<ElementInfo> out = new ArrayList<>();
        for (ElementInfo e : elements.values()) {
            if (e.event() && e.name().equals(localName)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public List<String> nearMatches(String namespace, String localName) {
        record Scored(String name, int score) {
        }
        List<Scored> scored = new ArrayList<>();
        String lower = localName.toLowerCase(java.util.Locale.ROOT);
        for (ElementInfo e : elements()) {
            String candidate = e.name();
            int d = distance(lower, candidate.toLowerCase(java.util.Locale.ROOT));
            boolean close = d <= Math.max(2, localName.length() / 4)
                    || candidate.toLowerCase(java.util.Locale.ROOT).contains(lower) && lower.length() >= 3;
            if (close) {
                String shown = e.name().equals(localName) ? "{" + e.namespace() + "}" + e.name() : e.name();
                scored.add(new Scored(shown, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::name));
        return scored.stream().map(Scored::name).distinct().limit(3).toList();
    }

    /** One validator per thread, reused: creating one costs more than validating a small event. */
    private final ThreadLocal<ValidatorHandler> validators = ThreadLocal.withInitial(this::createValidatorHandler);

    @Override
    public ValidatorHandler newValidatorHandler() {
        return validators.get();
    }

    /** Validating readers per thread (for an envelope, for a bare payload), reused like the validators. */
    private final ThreadLocal<XMLReader> envelopeReaders = ThreadLocal.withInitial(() -> createValidatingReader(true));
    private final ThreadLocal<XMLReader> payloadReaders = ThreadLocal.withInitial(() -> createValidatingReader(false));

    @Override
    public XMLReader validatingReader(boolean envelope) {
        return envelope ? envelopeReaders.get() : payloadReaders.get();
    }

    private XMLReader createValidatingReader(boolean envelope) {
        try {
            return SecureXml.newValidatingReader(schema, envelope);
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's validating parser cannot be hardened: " + e, e);
        }
    }

    private ValidatorHandler createValidatorHandler() {
        ValidatorHandler v = schema.newValidatorHandler();
        try {
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's validator cannot be restricted: " + e, e);
        }
        v.setResourceResolver((type, ns, publicId, systemId, baseUri) -> refusedInput(systemId));
        return v;
    }

    /**
     * Compiles files into one schema set.
     *
     * @throws SchemaException listing every problem with its file, line and column
     */
    public static CompiledSchemaSet compile(List<SchemaFile> files) throws SchemaException {
        return compile(List.of(), files);
    }

    /** Replacements logged already, so that a set compiled again (a reload, a second bus) does not log them again. */
    private static final Set<String> LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CompiledSchemaSet.class);

    /**
     * Compiles {@code replaceable} (the predefined files of {@code --schemas +DIR}) and {@code files} into one
     * schema set, where a file of {@code files} may redefine what a replaceable file defines: a replaceable file
     * that defines a global component (element, type, group, attribute) of the same name as one of {@code files}
     * is left out whole, and the events it declared are those of {@code files} (each replacement logged once).
     * Among {@code files}, and among the replaceable files, a name defined twice is an error naming both files.
     *
     * @throws SchemaException listing every problem with its file, line and column
     */
    public static CompiledSchemaSet compile(List<SchemaFile> replaceable, List<SchemaFile> files) throws SchemaException {
        List<SchemaException.Problem> problems = new ArrayList<>();
        Map<SchemaFile, XsdScanner.Result> scans = new java.util.IdentityHashMap<>();
        for (SchemaFile f : concat(replaceable, files)) {
            try {
                scans.put(f, XsdScanner.scan(f));
            } catch (SchemaException e) {
                problems.addAll(e.problems());
            }
        }
        // what the user's files define, by symbol space and qualified name
        Map<String, SchemaFile> defined = new LinkedHashMap<>();
        for (SchemaFile f : files) {
            XsdScanner.Result scan = scans.get(f);
            if (scan != null) {
                components(scan).forEach(c -> defined.putIfAbsent(c, f));
            }
        }
        Map<String, String> replaced = new LinkedHashMap<>();   // element key -> the replaceable file it replaced
        List<SchemaFile> kept = new ArrayList<>();
        for (SchemaFile b : replaceable) {
            XsdScanner.Result scan = scans.get(b);
            SchemaFile by = scan == null ? null : components(scan).stream().map(defined::get).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
            if (by == null) {
                kept.add(b);
                continue;
            }
            for (ElementInfo e : scan.elements()) {
                if (!e.event()) {
                    continue;
                }
                SchemaFile redefining = defined.get("element" + key(e.namespace(), e.name()));
                if (redefining != null) {
                    replaced.put(key(e.namespace(), e.name()), b.displayName());
                    logOnce("the event type " + e.name() + " of " + b.displayName() + " is replaced by " + redefining.displayName());
                } else {
                    logOnce("the event type " + e.name() + " of " + b.displayName() + " is left out: that file is replaced by "
                            + by.displayName() + ", which redefines a name it defines");
                }
            }
        }
        files = concat(kept, files);

        Map<String, ElementInfo> elements = new TreeMap<>();
        Map<String, List<SchemaFile>> byNamespace = new LinkedHashMap<>();
        Map<String, SchemaFile> byUri = new LinkedHashMap<>();
        Map<String, List<FieldInfo>> types = new LinkedHashMap<>();
        Map<String, Set<String>> names = new LinkedHashMap<>();
        Map<String, String> typeFiles = new LinkedHashMap<>();   // {ns}type -> the file that defines it
        Map<String, String> typeDocs = new LinkedHashMap<>();    // {ns}type -> its own xs:documentation
        for (SchemaFile f : files) {
            byUri.put(f.uri().normalize().toString(), f);
            XsdScanner.Result scan = scans.get(f);
            if (scan == null) {
                continue;
            }
            byNamespace.computeIfAbsent(scan.targetNamespace(), k -> new ArrayList<>()).add(f);
            names.computeIfAbsent(scan.targetNamespace(), k -> new java.util.TreeSet<>()).addAll(scan.names());
            scan.types().forEach((name, fields) -> types.put(key(scan.targetNamespace(), name), fields));
            scan.typeDocs().forEach((name, doc) -> typeDocs.put(key(scan.targetNamespace(), name), doc));
            for (XsdScanner.Global g : scan.globals()) {
                if (!g.kind().equals("type")) {
                    continue;
                }
                String earlier = typeFiles.putIfAbsent(key(scan.targetNamespace(), g.name()), f.displayName());
                if (earlier != null) {
                    problems.add(new SchemaException.Problem("type " + g.name() + " (namespace '" + scan.targetNamespace()
                            + "') is defined twice: in " + earlier + " and in " + f.displayName()
                            + " (one schema set has one definition per name: remove one, or give them different namespaces)",
                            new Location(f.displayName(), g.line(), g.column(), null)));
                }
            }
            for (ElementInfo e : scan.elements()) {
                String r = replaced.get(key(e.namespace(), e.name()));
                ElementInfo earlier = elements.putIfAbsent(key(e.namespace(), e.name()), r != null && e.event() ? e.replacing(r) : e);
                if (earlier != null) {
                    problems.add(new SchemaException.Problem("element " + e.name() + " (namespace '" + e.namespace()
                            + "') is declared twice: in " + earlier.file() + " and in " + e.file(),
                            new Location(e.file(), e.line(), e.column(), null)));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SchemaException(problems);
        }
        elements.replaceAll((k, e) -> e.fields() != null ? e
                : e.withFields(types.getOrDefault(key(e.namespace(), String.valueOf(e.typeName())), List.of())));
        // most of the lineage's later files document the complexType, not the element
        elements.replaceAll((k, e) -> e.documentation() != null || e.typeName() == null ? e
                : e.withDocumentation(typeDocs.get(key(e.namespace(), e.typeName()))));
        if (files.isEmpty()) {
            return new CompiledSchemaSet(emptySchema(), Map.of(), List.of(), Map.of());
        }

        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/namespace-growth", true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "all");
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's schema factory cannot be configured: " + e, e);
        }
        factory.setErrorHandler(new Collector(problems, byUri));
        factory.setResourceResolver(new SnapshotResolver(byUri, problems));

        List<Source> drivers = new ArrayList<>();
        int n = 0;
        for (var entry : byNamespace.entrySet()) {
            StringBuilder d = new StringBuilder("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'");
            if (!entry.getKey().isEmpty()) {
                d.append(" targetNamespace='").append(escape(entry.getKey())).append('\'');
            }
            d.append('>');
            for (SchemaFile f : entry.getValue()) {
                d.append("<xs:include schemaLocation='").append(escape(f.uri().normalize().toString())).append("'/>");
            }
            d.append("</xs:schema>");
            URI base = entry.getValue().get(0).uri();
            drivers.add(new StreamSource(new StringReader(d.toString()), base.resolve("xqbus-driver-" + (n++) + ".xsd").toString()));
        }
        Schema schema;
        try {
            schema = factory.newSchema(drivers.toArray(new Source[0]));
        } catch (SAXException e) {
            if (problems.isEmpty()) {
                problems.add(new SchemaException.Problem(e.getMessage(), Location.UNKNOWN));
            }
            throw new SchemaException(problems);
        }
        if (!problems.isEmpty()) {
            throw new SchemaException(problems);
        }
        names.replaceAll((k, v) -> Set.copyOf(v));
        return new CompiledSchemaSet(schema, elements, List.copyOf(files), Map.copyOf(names));
    }

    private static Schema emptySchema() {
        try {
            return SchemaFactory.newDefaultInstance().newSchema(new StreamSource(new StringReader(
                    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>")));
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A file's global components as {@code space{ns}name}: its elements, types, groups and attributes. */
    private static List<String> components(XsdScanner.Result scan) {
        List<String> out = new ArrayList<>();
        for (ElementInfo e : scan.elements()) {
            out.add("element" + key(scan.targetNamespace(), e.name()));
        }
        for (XsdScanner.Global g : scan.globals()) {
            out.add(g.kind() + key(scan.targetNamespace(), g.name()));
        }
        return out;
    }

    private static void logOnce(String message) {
        if (LOGGED.add(message)) {
            LOG.warn("{}", message);
        }
    }

    static String key(String ns, String local) {
        return "{" + (ns == null ? "" : ns) + "}" + local;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static LSInput refusedInput(String systemId) {
        return new MemoryInput(systemId, null, new byte[0]);
    }

    /** Collects schema errors with the file's display name. */
    private record Collector(List<SchemaException.Problem> problems, Map<String, SchemaFile> byUri) implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
            // "failed to read schema document" is a warning in Xerces; the resolver already reported why
        }

        @Override
        public void error(SAXParseException e) {
            add(e);
        }

        @Override
        public void fatalError(SAXParseException e) {
            add(e);
        }

        private void add(SAXParseException e) {
            String name = e.getSystemId();
            if (name != null) {
                SchemaFile f = byUri.get(URI.create(name).normalize().toString());
                if (f != null) {
                    name = f.displayName();
                }
            }
            problems.add(new SchemaException.Problem(e.getMessage(), new Location(name, e.getLineNumber(), e.getColumnNumber(), null)));
        }
    }

    /** Serves includes and imports from the files read; refuses everything else. */
    private record SnapshotResolver(Map<String, SchemaFile> byUri, List<SchemaException.Problem> problems) implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String namespaceURI, String publicId, String systemId, String baseURI) {
            if (systemId == null) {
                return null;   // an import by namespace only: the drivers provide it, nothing to load
            }
            String target;
            try {
                URI base = baseURI == null ? null : URI.create(baseURI);
                URI ref = URI.create(systemId);
                target = (base == null || ref.isAbsolute() ? ref : base.resolve(ref)).normalize().toString();
            } catch (IllegalArgumentException e) {
                target = systemId;
            }
            SchemaFile f = byUri.get(target);
            if (f != null) {
                return new MemoryInput(target, publicId, f.content());
            }
            String from = baseURI;
            if (baseURI != null) {
                SchemaFile b = byUri.get(URI.create(baseURI).normalize().toString());
                if (b != null) {
                    from = b.displayName();
                }
            }
            problems.add(new SchemaException.Problem("schema reference '" + systemId + "' is outside the schema set: "
                    + "xs:include and xs:import may only name files of the same schema directory",
                    new Location(from, 0, 0, null)));
            return refusedInput(target);
        }
    }

    /** An LSInput over bytes in memory. */
    private static final class MemoryInput implements LSInput {
        private final String systemId;
        private String publicId;
        private final byte[] content;

        MemoryInput(String systemId, String publicId, byte[] content) {
            this.systemId = systemId;
            this.publicId = publicId;
            this.content = content;
        }

        @Override public Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(Reader r) { }
        @Override public InputStream getByteStream() { return new ByteArrayInputStream(content); }
        @Override public void setByteStream(InputStream s) { }
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String s) { }
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String s) { }
        @Override public String getPublicId() { return publicId; }
        @Override public void setPublicId(String p) { publicId = p; }
        @Override public String getBaseURI() { return systemId; }
        @Override public void setBaseURI(String b) { }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String e) { }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean c) { }
    }

    /** Reads a whole stream (schema files are small). */
    public static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
