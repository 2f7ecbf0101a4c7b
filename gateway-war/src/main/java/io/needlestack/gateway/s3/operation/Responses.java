package io.needlestack.gateway.s3.operation;

import io.needlestack.gateway.s3.xml.XmlWriter;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Shapes shared by the operations' responses: XML documents and S3's date formats. */
final class Responses {

    /** ISO 8601 with milliseconds, as S3 writes dates in XML. */
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * HTTP's IMF-fixdate (RFC 9110 5.6.7), as S3 writes Last-Modified: always a two-digit day.
     * ({@link DateTimeFormatter#RFC_1123_DATE_TIME} writes "4 Dec", which strict parsers refuse.)
     */
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private Responses() {
    }

    static Response xml(XmlWriter doc) {
        return Response.ok(doc.toBytes(), "application/xml").build();
    }

    static String iso(Instant t) {
        return ISO.format(t);
    }

    static String httpDate(Instant t) {
        return HTTP_DATE.format(t);
    }

    static String quoted(String etag) {
        return "\"" + etag + "\"";
    }
}
