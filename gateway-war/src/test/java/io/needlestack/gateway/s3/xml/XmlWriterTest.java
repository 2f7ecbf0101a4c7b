package io.needlestack.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class XmlWriterTest {

    @Test
    void documentIsUtf8WithDeclarationNamespaceAndEscapedText() throws Exception {
        XmlWriter w = XmlWriter.document("ListBucketResult", XmlWriter.S3_NS);
        w.element("Name", "b").start("Contents").element("Key", "a<&>\"é€😀").element("Size", 4096L)
                .element("Skipped", null).end();
        byte[] bytes = w.toBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"), text);

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        assertEquals(XmlWriter.S3_NS, d.getDocumentElement().getNamespaceURI());
        assertEquals("a<&>\"é€😀", d.getElementsByTagName("Key").item(0).getTextContent());
        assertEquals("4096", d.getElementsByTagName("Size").item(0).getTextContent());
        assertEquals(0, d.getElementsByTagName("Skipped").getLength());
    }

    @Test
    void largeListingIsComplete() throws Exception {
        XmlWriter w = XmlWriter.document("ListBucketResult", XmlWriter.S3_NS);
        for (int i = 0; i < 1000; i++) {
            w.start("Contents").element("Key", "prefix/object-" + i).end();
        }
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(w.toBytes()));
        assertEquals(1000, d.getElementsByTagName("Contents").getLength());
        assertEquals("prefix/object-999", d.getElementsByTagName("Key").item(999).getTextContent());
    }

    @Test
    void toStringShowsTheDocumentSoFar() {
        XmlWriter w = XmlWriter.document("Error", null);
        w.element("Code", "NoSuchKey");
        assertTrue(w.toString().contains("<Code>NoSuchKey</Code>"), w.toString());
    }
}
