package io.needlestack.gateway.s3.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The encoding rules and the signing key cache. */
class SigningInternalsTest {

    @Test
    void uriEncodeFollowsSigV4() {
        assertEquals("a%20b%2Bc~-_.%24%2F", UriEncoding.encode("a b+c~-_.$/", false));
        assertEquals("dir/a%20b", UriEncoding.encode("dir/a b", true));
        assertEquals("%C3%A9", UriEncoding.encode("é", false));
        assertEquals("a+b c", UriEncoding.decode("a+b%20c"));
        assertEquals("100%", UriEncoding.decode("100%"));
        assertEquals("%zz", UriEncoding.decode("%zz"));
        assertEquals("/a%24b/c%20d", UriEncoding.normalisedPath("/a$b/c d"));
    }

    @Test
    void canonicalQuerySortsAndEncodes() {
        assertEquals("a=&b=2&b=3&prefix=a%2Fb%20c", SigV4Verifier.canonicalQuery(
                QueryParams.parse("prefix=a/b+c&b=3&b=2&a"), null).replace("%2B", "%20"));
        assertEquals("acl=", SigV4Verifier.canonicalQuery(QueryParams.parse("acl&X-Amz-Signature=x"), "X-Amz-Signature"));
    }

    @Test
    void signingKeysAreDerivedOncePerSecretDateAndRegion() {
        SigningKeyCache cache = new SigningKeyCache(2);
        Credential c = new Credential("AK", "secret", "u", "n");
        byte[] k1 = cache.signingKey(c, "20260101", "us-east-1", "s3");
        assertSame(k1, cache.signingKey(c, "20260101", "us-east-1", "s3"));
        byte[] rotated = cache.signingKey(new Credential("AK", "other", "u", "n"), "20260101", "us-east-1", "s3");
        assertFalse(java.util.Arrays.equals(k1, rotated), "a rotated secret never reuses the old derived key");
        cache.signingKey(c, "20260102", "us-east-1", "s3");
        assertEquals(1, cache.size(), "cleared when full, then refilled");
        byte[] again = cache.signingKey(c, "20260101", "us-east-1", "s3");
        assertNotSame(k1, again);
        assertArrayEquals(k1, again);
    }

    @Test
    void credentialNeverPrintsItsSecret() {
        assertFalse(new Credential("AK", "s3cr3t", "u", "n").toString().contains("s3cr3t"));
    }

    @Test
    void headerValuesFoldAsTheRegularExpressionDid() {
        String[] values = {"", " ", "a", "  a  ", "a  b", "a\t\tb", " a \r\n b ", "a\u000Bb\fc",
            "\u0001a b\u0001", "a\u00A0 b", "x-amz-meta:  two   spaces ", "\t\n"};
        for (String v : values) {
            StringBuilder out = new StringBuilder();
            SigV4Verifier.appendFolded(out, v);
            assertEquals(v.trim().replaceAll("\\s+", " "), out.toString(), v);
        }
    }
}
