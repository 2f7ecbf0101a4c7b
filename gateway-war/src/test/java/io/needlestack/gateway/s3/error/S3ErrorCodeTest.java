package io.needlestack.gateway.s3.error;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ErrorCodeTest {

    @Test
    void codesAreUniqueAndRoundTrip() {
        Set<String> seen = new HashSet<>();
        for (S3ErrorCode c : S3ErrorCode.values()) {
            assertTrue(seen.add(c.code()), c.code());
            assertEquals(c, S3ErrorCode.fromCode(c.code()).orElseThrow());
            assertFalse(c.defaultMessage().isBlank());
        }
        assertTrue(S3ErrorCode.fromCode("NoSuchThing").isEmpty());
    }

    @Test
    void statusesAreS3s() {
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("NoSuchBucket", 404), Map.entry("NoSuchKey", 404), Map.entry("BucketNotEmpty", 409),
                Map.entry("BucketAlreadyExists", 409), Map.entry("BucketAlreadyOwnedByYou", 409),
                Map.entry("InvalidBucketName", 400), Map.entry("KeyTooLongError", 400), Map.entry("MalformedXML", 400),
                Map.entry("MissingContentLength", 411), Map.entry("InvalidRange", 416),
                Map.entry("PreconditionFailed", 412), Map.entry("NotModified", 304), Map.entry("EntityTooLarge", 400),
                Map.entry("EntityTooSmall", 400), Map.entry("InvalidPart", 400), Map.entry("InvalidPartOrder", 400),
                Map.entry("NoSuchUpload", 404), Map.entry("MethodNotAllowed", 405), Map.entry("NotImplemented", 501),
                Map.entry("InternalError", 500), Map.entry("ServiceUnavailable", 503), Map.entry("SlowDown", 503),
                Map.entry("InvalidRequest", 400), Map.entry("InvalidLocationConstraint", 400),
                Map.entry("IllegalLocationConstraintException", 400), Map.entry("SignatureDoesNotMatch", 403),
                Map.entry("InvalidAccessKeyId", 403), Map.entry("AccessDenied", 403),
                Map.entry("AuthorizationHeaderMalformed", 400), Map.entry("RequestTimeTooSkewed", 403),
                Map.entry("XAmzContentSHA256Mismatch", 400), Map.entry("InvalidDigest", 400),
                Map.entry("BadDigest", 400), Map.entry("IncompleteBody", 400), Map.entry("MissingSecurityHeader", 400),
                Map.entry("InvalidArgument", 400), Map.entry("InvalidObjectState", 403),
                Map.entry("TooManyBuckets", 400), Map.entry("MalformedPOSTRequest", 400),
                Map.entry("InvalidStorageClass", 400));
        expected.forEach((code, status) ->
                assertEquals(status, S3ErrorCode.fromCode(code).orElseThrow(() -> new AssertionError(code)).httpStatus(), code));
        assertTrue(S3ErrorCode.SLOW_DOWN.retryable());
        assertFalse(S3ErrorCode.NO_SUCH_KEY.retryable());
    }

    @Test
    void exceptionCarriesCodeMessageResourceAndDetails() {
        S3Exception e = new S3Exception(S3ErrorCode.NO_SUCH_KEY, null, "/b/k", Map.of("Key", "k"), null);
        assertEquals("The specified key does not exist.", e.getMessage());
        assertEquals("/b/k", e.resource());
        assertEquals("k", e.details().get("Key"));
        assertEquals("/other", e.withResource("/other").resource());
        assertEquals(S3ErrorCode.NO_SUCH_KEY, e.withResource("/other").errorCode());
    }
}
