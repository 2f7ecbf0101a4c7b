package io.needlestack.gateway.s3.xml;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Parses an S3 request document (CreateBucketConfiguration, Delete, CompleteMultipartUpload)
 * with DTDs and external entities disabled and the size bounded, so a hostile body can neither
 * read local files nor exhaust memory. Every failure is {@code MalformedXML}.
 */
public final class XmlRequestBody {

    private final Element root;

    private XmlRequestBody(Element root) {
        this.root = root;
    }

    /**
     * Reads and parses at most {@code maxBytes} bytes.
     *
     * @throws S3Exception MalformedXML for a document that is not well formed, too large or empty
     */
    public static XmlRequestBody parse(InputStream body, int maxBytes) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
        }
        if (bytes.length > maxBytes) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML, "The XML you provided was larger than the maximum of "
                    + maxBytes + " bytes allowed.");
        }
        if (bytes.length == 0) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(new java.io.ByteArrayInputStream(bytes));
            return new XmlRequestBody(doc.getDocumentElement());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }

    /** The root element's local name. */
    public String rootName() {
        return localName(root);
    }

    /** The root element. */
    public Element root() {
        return root;
    }

    /** Child elements of {@code parent} with the given local name, in document order. */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Text of the first child with the given local name, or null. */
    public static String childText(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0).getTextContent();
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}
