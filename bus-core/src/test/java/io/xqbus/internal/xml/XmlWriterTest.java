package io.xqbus.internal.xml;

import java.io.StringReader;

import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.AttributesImpl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The producer's payload serialiser escapes exactly what XML needs and copies the rest unchanged. */
class XmlWriterTest {

    @Test
    void escapesTextAndAttributesAndRoundTrips() throws Exception {
        XmlWriter w = new XmlWriter(4);   // smaller than the text: it grows
        w.startDocument();
        w.startPrefixMapping("", "urn:t?a=1&b=\"2\"");
        AttributesImpl atts = new AttributesImpl();
        atts.addAttribute("", "note", "note", "CDATA", "a<b & \"c\"\n\td\re>");
        w.startElement("urn:t", "A", "A", atts);
        char[] text = "xx1 < 2 && 3 > 2\r\nok, plain tail".toCharArray();
        w.characters(text, 2, text.length - 2);
        w.startElement("urn:t", "E", "E", new AttributesImpl());
        w.endElement("urn:t", "E", "E");
        w.endElement("urn:t", "A", "A");
        w.endDocument();
        assertEquals("<A xmlns=\"urn:t?a=1&amp;b=&quot;2&quot;\" note=\"a&lt;b &amp; &quot;c&quot;&#10;&#9;d&#13;e&gt;\">"
                + "1 &lt; 2 &amp;&amp; 3 &gt; 2&#13;\nok, plain tail<E/></A>", w.text());

        // what the parser reads back is what was written
        XmlWriter again = new XmlWriter(16);
        var reader = SecureXml.newReader();
        reader.setContentHandler(again);
        reader.parse(new InputSource(new StringReader(w.text())));
        assertEquals(w.text(), again.text());
    }

    @Test
    void escapeReturnsTheSameStringWhenNothingNeedsIt() {
        String plain = "urn:acme:billing:v2";
        assertSame(plain, XmlWriter.escape(plain));
        assertEquals("a&lt;b &amp; &quot;c&quot;&#10;&#9;d&#13;e&gt; tail", XmlWriter.escape("a<b & \"c\"\n\td\re> tail"));
    }
}
