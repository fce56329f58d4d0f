package io.xqbus.cli.listen;

import java.io.StringWriter;

import javax.xml.transform.sax.SAXSource;

import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.XMLFilterImpl;

import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.Serializer;
import net.sf.saxon.s9api.XdmNode;

import io.xqbus.Event;
import io.xqbus.internal.xml.EventParser;
import io.xqbus.internal.xml.SecureXml;

/**
 * What {@code listenevents} hands on for a match (issue #17 item 2): what is printed ({@code --print}) and
 * whether the event keeps the bus's envelope attributes ({@code --envelope}). Every Clacks callback got the
 * whole event, and its consumers validated it against an attribute-less {@code Event}: {@code print=event} and
 * {@code envelope=strip} give them exactly that. The one place that turns a match into the node printed and
 * the document an {@code exec} action reads.
 */
record Handover(Print print, Envelope envelope) {

    /** What is printed (stdout, append files). */
    enum Print {
        /** The query result (the default; for a boolean query the line {@code true}). */
        result,
        /** The whole event document. */
        event,
        /** The payload element alone. */
        payload
    }

    /** Whether the event handed on keeps the envelope attributes. */
    enum Envelope {
        /** As received. */
        keep,
        /** Without the bus's envelope attributes ({@code id}, {@code source}, {@code producer}, {@code seq}, {@code time}). */
        strip
    }

    static final Handover DEFAULT = new Handover(Print.result, Envelope.keep);

    private static final Processor PROCESSOR = new Processor(false);

    /** The event document as handed on. */
    XdmNode document(Event e) {
        if (envelope == Envelope.keep) {
            return e.document();
        }
        XMLFilterImpl strip = new XMLFilterImpl(SecureXml.reader()) {
            private int depth;

            @Override
            public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
                if (depth++ == 0) {
                    AttributesImpl kept = new AttributesImpl();
                    for (int i = 0; i < atts.getLength(); i++) {
                        if (!atts.getURI(i).isEmpty() || !EventParser.ENVELOPE_ATTRIBUTES.contains(atts.getLocalName(i))) {
                            kept.addAttribute(atts.getURI(i), atts.getLocalName(i), atts.getQName(i), atts.getType(i), atts.getValue(i));
                        }
                    }
                    atts = kept;
                }
                super.startElement(uri, localName, qName, atts);
            }

            @Override
            public void endElement(String uri, String localName, String qName) throws SAXException {
                depth--;
                super.endElement(uri, localName, qName);
            }
        };
        try {
            return PROCESSOR.newDocumentBuilder().build(new SAXSource(strip, SecureXml.text(e.xml(), e.id())));
        } catch (SaxonApiException ex) {
            // the bus parsed this very document a moment ago
            throw new IllegalStateException("cannot re-read event " + e.id() + " to strip its envelope: " + ex.getMessage(), ex);
        }
    }

    /** The event document as text, for an {@code exec} action's stdin. */
    String documentText(Event e) {
        if (envelope == Envelope.keep) {
            return e.xml();
        }
        StringWriter w = new StringWriter();
        try {
            Serializer s = PROCESSOR.newSerializer(w);
            s.setOutputProperty(Serializer.Property.OMIT_XML_DECLARATION, "yes");
            s.serializeNode(document(e));
        } catch (SaxonApiException ex) {
            throw new IllegalStateException("cannot write event " + e.id() + ": " + ex.getMessage(), ex);
        }
        return w.toString();
    }
}
