package io.xqbus;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.xqbus.internal.filter.Sandbox;
import io.xqbus.internal.schema.CompiledSchemaSet;
import io.xqbus.internal.schema.CompiledSchemaSet.SchemaFile;
import io.xqbus.internal.schema.ElementInfo;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.NameAdmission;
import io.xqbus.internal.xml.SecureXml;

/**
 * The XSDs events are validated against (brief §5): a directory tree of {@code *.xsd} files (read
 * recursively, each subdirectory for example one module's events) compiled as one schema set, the predefined
 * events shipped in the {@code schemas} module, or both. A file {@code X.xsd} that declares a global element
 * {@code X} contributes the event type {@code X} only, its other global elements being building blocks; in a
 * file without such an element every global element is an event type. A file may use types another file of
 * the same namespace defines; {@code xs:include} and {@code xs:import} resolve only inside the set; two files
 * declaring the same element or type is an error naming both, and a tree that yields no event type is an
 * error. With {@code +DIR}, a file of DIR may redefine a predefined event (the predefined file is left out,
 * logged once). Immutable and thread-safe; compile once and share.
 *
 * <pre>{@code
 * SchemaSet mine = SchemaSet.load(Path.of("schemas"));          // replaces the predefined set
 * SchemaSet both = SchemaSet.fromOption("+/etc/xqbus/schemas");  // adds to it, as --schemas +DIR
 * }</pre>
 *
 * @since 0.1
 */
public final class SchemaSet {

    /** Where the predefined XSDs live on the class path, with {@code index.list} naming them. */
    static final String PREDEFINED_RESOURCES = "io/xqbus/schemas/";

    private static volatile SchemaSet predefined;

    private final CompiledSchemaSet compiled;
    private final String description;

    private SchemaSet(CompiledSchemaSet compiled, String description) {
        this.compiled = compiled;
        this.description = description;
        // the names events of these types use always pass the name admission, however many junk names came before
        var pool = Sandbox.processor().getUnderlyingConfiguration().getNamePool();
        compiled.declaredNames().forEach((ns, names) -> NameAdmission.admitDeclared(pool, ns, names));
    }

    /**
     * The predefined events' schemas (the lineage's events and the bus's own), compiled once per JVM.
     *
     * @throws SchemaException if the schemas jar is missing from the class path or broken
     */
    public static SchemaSet predefined() throws SchemaException {
        SchemaSet s = predefined;
        if (s == null) {
            synchronized (SchemaSet.class) {
                s = predefined;
                if (s == null) {
                    s = new SchemaSet(CompiledSchemaSet.compile(predefinedFiles()), "the predefined events");
                    predefined = s;
                }
            }
        }
        return s;
    }

    /**
     * Compiles every {@code *.xsd} file of a directory and its subdirectories as one schema set.
     *
     * @throws SchemaException listing every problem with file, line and column, when the directory is missing,
     *                         or when its files declare no event type
     */
    public static SchemaSet load(Path directory) throws SchemaException {
        List<SchemaFile> files = directoryFiles(directory);
        CompiledSchemaSet compiled = CompiledSchemaSet.compile(files);
        requireEvents(directory, files, compiled);
        return new SchemaSet(compiled, directory.toString());
    }

    /**
     * The schema set a {@code --schemas} option names (brief §5): {@code DIR} replaces the predefined set,
     * {@code +DIR} adds DIR to it; null or empty means the predefined set alone.
     *
     * @throws SchemaException as {@link #load(Path)}
     */
    public static SchemaSet fromOption(String option) throws SchemaException {
        if (option == null || option.isBlank()) {
            return predefined();
        }
        if (option.startsWith("+")) {
            Path dir = Path.of(option.substring(1));
            List<SchemaFile> files = directoryFiles(dir);
            CompiledSchemaSet compiled = CompiledSchemaSet.compile(predefinedFiles(), files);
            if (!files.isEmpty()) {   // an empty directory to add schemas to later is fine; one whose files declare no event is not
                requireEvents(dir, files, compiled);
            }
            return new SchemaSet(compiled, "the predefined events and " + dir);
        }
        return load(Path.of(option));
    }

    /** The directory an option names ({@code DIR} or {@code +DIR}), or null for the predefined set alone. */
    public static Path directoryOf(String option) {
        if (option == null || option.isBlank()) {
            return null;
        }
        return Path.of(option.startsWith("+") ? option.substring(1) : option);
    }

    /** Every event type the set declares, sorted by namespace and name. */
    public List<EventType> eventTypes() {
        return compiled.elements().stream().map(SchemaSet::eventType).toList();
    }

    /**
     * The namespace of the event type with this local name.
     *
     * @throws UnknownEventTypeException when no schema declares it
     * @throws InvalidEventException     when several namespaces declare it (say which one with a namespace)
     */
    public String namespaceOf(String localName) throws InvalidEventException {
        List<ElementInfo> found = compiled.elementsNamed(localName);
        if (found.isEmpty() && !compiled.buildingBlocksNamed(localName).isEmpty()) {
            ElementInfo block = compiled.buildingBlocksNamed(localName).get(0);
            throw UnknownEventTypeException.buildingBlock(block.namespace(), localName, block.partOf(), block.file(), Location.UNKNOWN);
        }
        if (found.isEmpty()) {
            throw new UnknownEventTypeException("", localName, compiled.nearMatches("", localName), Location.UNKNOWN);
        }
        if (found.size() > 1) {
            throw new InvalidEventException("the event type " + localName + " is declared in several namespaces ("
                    + String.join(", ", found.stream().map(ElementInfo::namespace).toList()) + "): give the namespace", Location.UNKNOWN);
        }
        return found.get(0).namespace();
    }

    /**
     * Checks one event document (a whole {@code Event} or a bare payload) without sending it.
     *
     * @param xml        the document
     * @param sourceName the name errors give as the place, for example a file name
     * @return the event's type
     * @throws InvalidEventException     when it is not well-formed, breaks the envelope rules or its XSD
     * @throws UnknownEventTypeException when no schema declares its payload element
     */
    public EventType validate(String xml, String sourceName) throws InvalidEventException {
        return validate(SecureXml.text(xml, null), sourceName);
    }

    /**
     * Checks one event document given as bytes (its XML declaration's encoding holds; invalid bytes are errors).
     *
     * @see #validate(String, String)
     */
    public EventType validate(byte[] xml, String sourceName) throws InvalidEventException {
        EventParser.checkEncoding(xml, sourceName);
        return validate(SecureXml.bytes(xml, null), sourceName);
    }

    private EventType validate(org.xml.sax.InputSource input, String sourceName) throws InvalidEventException {
        EventParser.Parsed p = EventParser.parse(input, sourceName, Limits.DEFAULT, compiled, null, null);
        PreparedEvent.checkVersion(p, sourceName);
        return eventType(compiled.element(p.namespace(), p.type()));
    }

    private static EventType eventType(ElementInfo e) {
        return new EventType(e.namespace(), e.name(), e.file(), e.documentation(), e.fields().stream()
                .map(f -> new EventType.Field(f.name(), f.type(), f.attribute(), f.minOccurs(), f.maxOccurs(), f.documentation(),
                        f.choice()))
                .toList(), e.replaces());
    }

    CompiledSchemaSet compiled() {
        return compiled;
    }

    /** What the set was loaded from, for messages. */
    @Override
    public String toString() {
        return "SchemaSet[" + description + ", " + compiled.elements().size() + " event types]";
    }

    private static List<SchemaFile> predefinedFiles() throws SchemaException {
        ClassLoader loader = SchemaSet.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(PREDEFINED_RESOURCES + "index.list")) {
            if (index == null) {
                throw new SchemaException("the predefined schemas are not on the class path (" + PREDEFINED_RESOURCES
                        + "index.list from the xqbus schemas jar)", Location.UNKNOWN);
            }
            List<SchemaFile> files = new ArrayList<>();
            for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.trim();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(PREDEFINED_RESOURCES + name)) {
                    if (in == null) {
                        throw new SchemaException("index.list names " + name + " but the schemas jar does not hold it", Location.UNKNOWN);
                    }
                    files.add(new SchemaFile("predefined:" + name, URI.create("xqbus-predefined:/" + PREDEFINED_RESOURCES + name),
                            in.readAllBytes()));
                }
            }
            return files;
        } catch (IOException e) {
            throw new SchemaException("cannot read the predefined schemas: " + e.getMessage(), Location.UNKNOWN);
        }
    }

    /** A tree that yields no event type is a mistake (the wrong directory, or one of building blocks only). */
    private static void requireEvents(Path directory, List<SchemaFile> files, CompiledSchemaSet compiled) throws SchemaException {
        Set<String> names = new java.util.HashSet<>();
        files.forEach(f -> names.add(f.displayName()));
        if (compiled.elements().stream().noneMatch(e -> names.contains(e.file()))) {
            throw new SchemaException("the schema directory holds no event type: " + (files.isEmpty() ? "no .xsd file"
                    : files.size() + " .xsd file" + (files.size() == 1 ? "" : "s") + ", none declaring a global element")
                    + " in it or its subdirectories", new Location(directory.toString(), 0, 0, null));
        }
    }

    /** The {@code *.xsd} files of a directory tree, in path order (symbolic links followed). */
    static List<SchemaFile> directoryFiles(Path directory) throws SchemaException {
        if (!Files.isDirectory(directory)) {
            throw new SchemaException("the schema directory does not exist", new Location(directory.toString(), 0, 0, null));
        }
        List<SchemaFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.walk(directory, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : list.filter(f -> f.getFileName().toString().endsWith(".xsd") && Files.isRegularFile(f)).sorted().toList()) {
                files.add(new SchemaFile(p.toString(), p.toAbsolutePath().normalize().toUri(), Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new SchemaException("cannot read the schema directory: " + e.getMessage(), new Location(directory.toString(), 0, 0, null));
        }
        return files;
    }
}
