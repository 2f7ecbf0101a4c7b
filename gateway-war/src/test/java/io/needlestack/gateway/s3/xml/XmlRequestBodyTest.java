package io.needlestack.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlRequestBodyTest {

    private static XmlRequestBody parse(String xml) {
        return XmlRequestBody.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), 4096);
    }

    @Test
    void readsS3Documents() {
        XmlRequestBody b = parse("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
                + "<Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object></Delete>");
        assertEquals("Delete", b.rootName());
        assertEquals(2, XmlRequestBody.children(b.root(), "Object").size());
        assertEquals("a&b", XmlRequestBody.childText(XmlRequestBody.children(b.root(), "Object").get(0), "Key"));
    }

    @Test
    void refusesExternalEntitiesAndDoctypes() {
        S3Exception e = assertThrows(S3Exception.class, () -> parse(
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&x;</Key></Object></Delete>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, e.errorCode());
    }

    @Test
    void refusesMalformedEmptyAndOversized() {
        assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class, () -> parse("<Delete>")).errorCode());
        assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class, () -> parse("")).errorCode());
        assertEquals(S3ErrorCode.MALFORMED_XML,
                assertThrows(S3Exception.class, () -> parse("<a>" + "x".repeat(5000) + "</a>")).errorCode());
    }
}
