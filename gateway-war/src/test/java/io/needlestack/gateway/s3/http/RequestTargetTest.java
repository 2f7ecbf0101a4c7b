package io.needlestack.gateway.s3.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

    private static final List<String> DOMAINS = List.of("localhost", "s3.example.com");

    @Test
    void pathStyle() {
        assertEquals(new RequestTarget(null, null, false), RequestTarget.parse("/", "127.0.0.1:8080", DOMAINS));
        assertEquals(new RequestTarget("b", null, false), RequestTarget.parse("/b", "127.0.0.1:8080", DOMAINS));
        assertEquals(new RequestTarget("b", null, false), RequestTarget.parse("/b/", "localhost:8080", DOMAINS));
        assertEquals(new RequestTarget("b", "a/b c+d//e", false),
                RequestTarget.parse("/b/a/b%20c+d//e", "localhost", DOMAINS));
    }

    @Test
    void virtualHostStyle() {
        RequestTarget t = RequestTarget.parse("/photos/x.jpg", "my-bucket.localhost:8080", DOMAINS);
        assertEquals("my-bucket", t.bucket());
        assertEquals("photos/x.jpg", t.key());
        assertTrue(t.virtualHosted());
        RequestTarget root = RequestTarget.parse("/", "a.b.s3.example.com", DOMAINS);
        assertEquals("a.b", root.bucket());
        assertNull(root.key());
    }

    @Test
    void decodesUtf8AndRefusesMalformedEscapes() {
        assertEquals("é/☃", RequestTarget.parse("/b/%C3%A9/%E2%98%83", null, DOMAINS).key());
        S3Exception e = assertThrows(S3Exception.class, () -> RequestTarget.parse("/b/%zz", null, DOMAINS));
        assertEquals(S3ErrorCode.INVALID_URI, e.errorCode());
        assertThrows(S3Exception.class, () -> RequestTarget.parse("/b/%C3", null, DOMAINS));
    }

    @Test
    void objectUrlAsTheClientAddressedIt() {
        RequestTarget path = RequestTarget.parse("/b/dir/a%20b+c%C3%A9", "127.0.0.1:8080", DOMAINS);
        assertEquals("http://127.0.0.1:8080/b/dir/a%20b%2Bc%C3%A9", path.objectUrl("http", "127.0.0.1:8080"));
        RequestTarget vh = RequestTarget.parse("/x/y.jpg", "my-bucket.s3.example.com", DOMAINS);
        assertEquals("https://my-bucket.s3.example.com/x/y.jpg", vh.objectUrl("https", "my-bucket.s3.example.com"));
        // The key decodes from the URL it is written into: a client can fetch it back.
        String key = "a?b#c&d=e %25/~*'()";
        RequestTarget t = new RequestTarget("b", key, false);
        String url = t.objectUrl("http", "h:1");
        assertEquals(key, RequestTarget.parse(url.substring("http://h:1".length()), "h:1", DOMAINS).key());
    }
}
