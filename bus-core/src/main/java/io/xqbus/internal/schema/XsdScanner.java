package io.xqbus.internal.schema;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

import io.xqbus.Location;
import io.xqbus.SchemaException;
import io.xqbus.internal.xml.SecureXml;

/**
 * A quick pass over one XSD file before compiling: its target namespace and its global elements with
 * their documentation, so duplicates can be reported naming both files and event types can be listed.
 */
final class XsdScanner {

    private static final String XS = "http://www.w3.org/2001/XMLSchema";

    /**
     * names: every element and attribute name the file declares, at any depth (events may use them);
     * globals: its top-level components other than elements (types, groups, attribute groups, attributes).
     */
    record Result(String targetNamespace, List<ElementInfo> elements, java.util.Map<String, List<FieldInfo>> types,
                  java.util.Set<String> names, List<Global> globals, java.util.Map<String, String> typeDocs) {
    }

    /**
     * A top-level component other than an element. kind is its XSD symbol space: {@code type} (complexType and
     * simpleType share it), {@code group}, {@code attributeGroup} or {@code attribute}.
     */
    record Global(String kind, String name, int line, int column) {
    }

    /** The symbol space of a top-level schema component, or null for one that has none (element, import…). */
    private static String symbolSpace(String local) {
        return switch (local) {
            case "complexType", "simpleType" -> "type";
            case "group", "attributeGroup", "attribute" -> local;
            default -> null;
        };
    }

    /** Collects the fields of one content model: the elements and attributes declared directly in it. */
    private static final class Container {
        final List<FieldInfo> fields = new ArrayList<>();
        final int depth;
        int nesting;
        String fieldName;
        String fieldType;
        boolean fieldAttribute;
        String min;
        String max;
        String doc;
        int choices;       // xs:choice groups met directly in this content model
        int openChoice;    // the one being read (0: none)
        int fieldChoice;

        Container(int depth) {
            this.depth = depth;
        }
    }

    private XsdScanner() {
    }

    private static String localPart(String qname) {
        if (qname == null) {
            return null;
        }
        int colon = qname.indexOf(':');
        return colon < 0 ? qname : qname.substring(colon + 1);
    }

    static Result scan(CompiledSchemaSet.SchemaFile file) throws SchemaException {
        List<ElementInfo> elements = new ArrayList<>();
        java.util.Map<String, List<FieldInfo>> types = new java.util.LinkedHashMap<>();
        String[] tns = {null};
        java.util.Set<String> names = new java.util.HashSet<>();
        List<Global> globals = new ArrayList<>();
        java.util.Map<String, String> typeDocs = new java.util.HashMap<>();
        DefaultHandler h = new DefaultHandler() {
            boolean typeDoc;   // the documentation being read is a named complexType's own
            Locator locator;
            int depth;
            String element;
            int line;
            int column;
            int docDepth;
            StringBuilder doc;
            String firstDoc;
            String elementType;
            Container container;
            String containerType;      // the named complexType being read, or null for an element's anonymous one
            Container elementFields;

            @Override
            public void setDocumentLocator(Locator l) {
                locator = l;
            }

            @Override
            public void startElement(String uri, String local, String qName, Attributes atts) throws SAXException {
                depth++;
                if (XS.equals(uri) && ("element".equals(local) || "attribute".equals(local)) && atts.getValue("name") != null) {
                    names.add(atts.getValue("name"));
                }
                if (depth == 2 && XS.equals(uri) && symbolSpace(local) != null && atts.getValue("name") != null) {
                    globals.add(new Global(symbolSpace(local), atts.getValue("name"), locator.getLineNumber(), locator.getColumnNumber()));
                }
                if (depth == 1) {
                    if (!XS.equals(uri) || !"schema".equals(local)) {
                        throw new SAXParseException("not an XML Schema: the root element is " + qName + ", not xs:schema", locator);
                    }
                    String t = atts.getValue("targetNamespace");
                    tns[0] = t == null ? "" : t;
                } else if (depth == 2 && XS.equals(uri) && "element".equals(local)) {
                    element = atts.getValue("name");
                    elementType = localPart(atts.getValue("type"));
                    line = locator.getLineNumber();
                    column = locator.getColumnNumber();
                    firstDoc = null;
                    elementFields = null;
                } else if (depth == 2 && XS.equals(uri) && "complexType".equals(local) && atts.getValue("name") != null) {
                    container = new Container(depth);
                    containerType = atts.getValue("name");
                } else if (depth == 3 && element != null && XS.equals(uri) && "complexType".equals(local)) {
                    container = new Container(depth);
                    containerType = null;
                } else if (container != null && container.nesting == 0 && XS.equals(uri) && "choice".equals(local)
                        && container.openChoice == 0) {
                    container.openChoice = ++container.choices;
                } else if (container != null && XS.equals(uri) && ("element".equals(local) || "attribute".equals(local))) {
                    if (container.nesting == 0) {
                        container.fieldChoice = container.openChoice;
                        String name = atts.getValue("name") != null ? atts.getValue("name") : localPart(atts.getValue("ref"));
                        container.fieldName = name;
                        container.fieldAttribute = "attribute".equals(local);
                        String t = atts.getValue("type");
                        container.fieldType = t != null ? t : "(nested)";
                        container.min = container.fieldAttribute ? ("required".equals(atts.getValue("use")) ? "1" : "0")
                                : atts.getValue("minOccurs") == null ? "1" : atts.getValue("minOccurs");
                        container.max = container.fieldAttribute ? "1" : atts.getValue("maxOccurs") == null ? "1" : atts.getValue("maxOccurs");
                        container.doc = null;
                    }
                    container.nesting++;
                }
                if (XS.equals(uri) && "documentation".equals(local) && doc == null) {
                    boolean forField = container != null && container.nesting == 1 && container.doc == null;
                    boolean forElement = element != null && firstDoc == null && (container == null || container.nesting == 0);
                    typeDoc = container != null && containerType != null && container.nesting == 0 && depth == 4
                            && !typeDocs.containsKey(containerType);
                    if (forField || forElement || typeDoc) {
                        doc = new StringBuilder();
                        docDepth = depth;
                    }
                }
            }

            @Override
            public void characters(char[] ch, int start, int length) {
                if (doc != null) {
                    doc.append(ch, start, length);
                }
            }

            @Override
            public void endElement(String uri, String local, String qName) {
                if (doc != null && depth == docDepth) {
                    String text = doc.toString().trim().replaceAll("\\s+", " ");
                    if (typeDoc) {
                        typeDocs.put(containerType, text);
                        typeDoc = false;
                    } else if (container != null && container.nesting == 1) {
                        container.doc = text;
                    } else {
                        firstDoc = text;
                    }
                    doc = null;
                }
                if (container != null && container.nesting == 0 && XS.equals(uri) && "choice".equals(local)) {
                    container.openChoice = 0;
                }
                if (container != null && XS.equals(uri) && ("element".equals(local) || "attribute".equals(local))) {
                    container.nesting--;
                    if (container.nesting == 0 && container.fieldName != null) {
                        container.fields.add(new FieldInfo(container.fieldName, container.fieldType, container.fieldAttribute,
                                container.min, container.max, container.doc, container.fieldChoice));
                        container.fieldName = null;
                    }
                }
                if (container != null && depth == container.depth && XS.equals(uri) && "complexType".equals(local)) {
                    if (containerType != null) {
                        types.put(containerType, List.copyOf(container.fields));
                    } else {
                        elementFields = container;
                    }
                    container = null;
                }
                if (depth == 2 && element != null) {
                    elements.add(new ElementInfo(tns[0], element, file.displayName(), line, column, firstDoc, elementType,
                            elementFields == null ? null : List.copyOf(elementFields.fields), null, null));
                    element = null;
                }
                depth--;
            }
        };
        try {
            XMLReader reader = SecureXml.newReader();
            reader.setContentHandler(h);
            reader.setErrorHandler(h);
            InputSource in = new InputSource(new ByteArrayInputStream(file.content()));
            in.setSystemId(file.uri().toString());
            reader.parse(in);
        } catch (SAXParseException e) {
            throw new SchemaException(e.getMessage(), new Location(file.displayName(), e.getLineNumber(), e.getColumnNumber(), null));
        } catch (SAXException | IOException e) {
            throw new SchemaException(String.valueOf(e.getMessage()), new Location(file.displayName(), 0, 0, null));
        }
        return new Result(tns[0], eventsByFileName(file, elements), types, java.util.Set.copyOf(names), List.copyOf(globals),
                java.util.Map.copyOf(typeDocs));
    }

    /**
     * The lineage's rule (issue #17 item 5): where a file {@code X.xsd} declares a global element {@code X}, that
     * element is the file's one event type and its other global elements are building blocks of it; a file
     * without such an element keeps every global element as an event type.
     */
    private static List<ElementInfo> eventsByFileName(CompiledSchemaSet.SchemaFile file, List<ElementInfo> elements) {
        String path = file.uri().getPath() != null ? file.uri().getPath() : file.displayName();
        String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.xsd$", "");
        if (elements.stream().noneMatch(e -> e.name().equals(base))) {
            return elements;
        }
        return elements.stream().map(e -> e.name().equals(base) ? e : e.asBuildingBlockOf(base)).toList();
    }
}
