package io.needlestack.gateway.s3.xml;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A small fluent writer of S3 response documents over StAX, so that element text is always
 * escaped and documents are produced in one pass.
 */
public final class XmlWriter {

    /** The S3 namespace of response documents. */
    public static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    /**
     * Characters, encoded once at the end: StAX writers over an {@code OutputStream} encode and
     * write byte by byte, which made a ListObjects page spend its time growing the byte array.
     */
    private final StringWriter buffer;
    private final XMLStreamWriter out;

    private XmlWriter(StringWriter buffer) {
        this.buffer = buffer;
        try {
            this.out = FACTORY.createXMLStreamWriter(buffer);
            out.writeStartDocument("UTF-8", "1.0");
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writer into memory; {@link #toBytes()} returns the document. */
    public static XmlWriter document(String root, String namespace) {
        XmlWriter w = new XmlWriter(new StringWriter(512));
        w.start(root);
        if (namespace != null) {
            try {
                w.out.writeDefaultNamespace(namespace);
            } catch (XMLStreamException e) {
                throw new IllegalStateException(e);
            }
        }
        return w;
    }

    /** Opens an element. */
    public XmlWriter start(String name) {
        try {
            out.writeStartElement(name);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Closes the innermost open element. */
    public XmlWriter end() {
        try {
            out.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Adds an attribute to the element just opened. */
    public XmlWriter attribute(String name, String value) {
        try {
            out.writeAttribute(name, value);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Writes text inside the current element. */
    public XmlWriter text(String text) {
        try {
            out.writeCharacters(sanitize(text));
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Writes {@code <name>text</name>}; writes nothing when {@code text} is null. */
    public XmlWriter element(String name, Object text) {
        if (text == null) {
            return this;
        }
        try {
            out.writeStartElement(name);
            out.writeCharacters(sanitize(text.toString()));
            out.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Closes every element and returns the UTF-8 document. */
    public byte[] toBytes() {
        try {
            out.writeEndDocument();
            out.flush();
            out.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return buffer.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The document as a string (tests and logs). */
    @Override
    public String toString() {
        try {
            out.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return buffer.toString();
    }

    /**
     * XML 1.0 cannot carry most control characters, even escaped; S3 keys may contain them, and a
     * client that needs them exactly asks for {@code encoding-type=url}. Replace them rather than
     * emit a document no parser accepts.
     */
    private static String sanitize(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                StringBuilder b = new StringBuilder(s.length());
                for (int j = 0; j < s.length(); j++) {
                    char d = s.charAt(j);
                    boolean bad = d < 0x20 && d != '\t' && d != '\n' && d != '\r' || d == 0xFFFE || d == 0xFFFF;
                    b.append(bad ? "&#x" + Integer.toHexString(d) + ";" : String.valueOf(d));
                }
                return b.toString();
            }
        }
        return s;
    }
}
