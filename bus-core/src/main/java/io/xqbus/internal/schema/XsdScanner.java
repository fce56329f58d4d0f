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

    record Result(String targetNamespace, List<ElementInfo> elements) {
    }

    private XsdScanner() {
    }

    static Result scan(CompiledSchemaSet.SchemaFile file) throws SchemaException {
        List<ElementInfo> elements = new ArrayList<>();
        String[] tns = {null};
        DefaultHandler h = new DefaultHandler() {
            Locator locator;
            int depth;
            String element;
            int line;
            int column;
            int docDepth;
            StringBuilder doc;
            String firstDoc;

            @Override
            public void setDocumentLocator(Locator l) {
                locator = l;
            }

            @Override
            public void startElement(String uri, String local, String qName, Attributes atts) throws SAXException {
                depth++;
                if (depth == 1) {
                    if (!XS.equals(uri) || !"schema".equals(local)) {
                        throw new SAXParseException("not an XML Schema: the root element is " + qName + ", not xs:schema", locator);
                    }
                    String t = atts.getValue("targetNamespace");
                    tns[0] = t == null ? "" : t;
                } else if (depth == 2 && XS.equals(uri) && "element".equals(local)) {
                    element = atts.getValue("name");
                    line = locator.getLineNumber();
                    column = locator.getColumnNumber();
                    firstDoc = null;
                } else if (element != null && XS.equals(uri) && "documentation".equals(local) && firstDoc == null && doc == null) {
                    doc = new StringBuilder();
                    docDepth = depth;
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
                    firstDoc = doc.toString().trim().replaceAll("\\s+", " ");
                    doc = null;
                }
                if (depth == 2 && element != null) {
                    elements.add(new ElementInfo(tns[0], element, file.displayName(), line, column, firstDoc));
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
        return new Result(tns[0], elements);
    }
}
