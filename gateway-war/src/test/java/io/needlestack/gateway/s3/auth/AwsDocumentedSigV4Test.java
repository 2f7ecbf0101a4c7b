package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.needlestack.gateway.s3.auth.AuthFixtures.ACCESS_KEY;
import static io.needlestack.gateway.s3.auth.AuthFixtures.authenticatorAt;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectPayload;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectS3;
import static io.needlestack.gateway.s3.auth.AuthFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worked examples of the S3 API reference: "Signature Calculations for the Authorization
 * Header: Transferring Payload in a Single Chunk" (GET /test.txt with Range, PUT test$file.text,
 * GET ?lifecycle, GET ?max-keys=2&amp;prefix=J), "... in Multiple Chunks (Chunked Upload)" (65 KiB
 * of 'a' in 64 KiB chunks) and "Authenticating Requests: Using Query Parameters" (presigned GET).
 * Expected signatures are the ones AWS publishes.
 */
class AwsDocumentedSigV4Test {

    private static final String AT = "2013-05-24T00:00:00Z";
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String SCOPE = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

    private static TestRequest getObject() {
        return new TestRequest("GET", "/test.txt", null)
                .header("Host", "examplebucket.s3.amazonaws.com")
                .header("Range", "bytes=0-9")
                .header("x-amz-content-sha256", EMPTY)
                .header("x-amz-date", "20130524T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 " + SCOPE
                        + ",SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void getObjectWithRangeVerifies() {
        AuthResult auth = authenticatorAt(AT).authenticate(getObject(), null);
        assertEquals(AuthMethod.SIGV4_HEADER, auth.method());
        assertEquals(ACCESS_KEY, auth.principal().orElseThrow().accessKeyId());
        assertEquals("u-1", auth.principal().orElseThrow().userId());
        assertEquals(PayloadMode.SIGNED_SHA256, auth.payloadMode());
    }

    @Test
    void getObjectWithAnotherRangeIsRejectedWithTheDocumentedStringToSign() {
        S3Exception e = expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> authenticatorAt(AT).authenticate(getObject().replaceHeader("Range", "bytes=0-10"), null));
        assertTrue(e.details().get("CanonicalRequest").contains("range:bytes=0-10\n"));
        // The untampered request's string to sign, as the documentation prints it.
        S3Exception other = expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticatorAt(AT).authenticate(
                getObject().replaceHeader("Authorization", getObject().header("authorization")
                        .replace("Signature=f0e8", "Signature=00e8")), null));
        assertEquals("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972", other.details().get("StringToSign"));
    }

    @Test
    void clockSkewBeyondFifteenMinutesIsRejected() {
        authenticatorAt("2013-05-24T00:14:59Z").authenticate(getObject(), null);
        authenticatorAt("2013-05-23T23:45:01Z").authenticate(getObject(), null);
        S3Exception e = expectS3(S3ErrorCode.REQUEST_TIME_TOO_SKEWED,
                () -> authenticatorAt("2013-05-24T00:15:01Z").authenticate(getObject(), null));
        assertEquals(403, e.errorCode().httpStatus());
        expectS3(S3ErrorCode.REQUEST_TIME_TOO_SKEWED,
                () -> authenticatorAt("2013-05-23T23:44:59Z").authenticate(getObject(), null));
    }

    @Test
    void unknownAccessKeyAndWrongRegionAreRejected() {
        TestRequest unknown = getObject().replaceHeader("Authorization",
                getObject().header("authorization").replace("AKIAIOSFODNN7EXAMPLE", "AKIANOSUCHKEY0000000"));
        expectS3(S3ErrorCode.INVALID_ACCESS_KEY_ID, () -> authenticatorAt(AT).authenticate(unknown, null));
        TestRequest otherRegion = getObject().replaceHeader("Authorization",
                getObject().header("authorization").replace("us-east-1", "eu-west-1"));
        S3Exception e = expectS3(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                () -> authenticatorAt(AT).authenticate(otherRegion, null));
        assertEquals("us-east-1", e.details().get("Region"));
        TestRequest garbled = getObject().replaceHeader("Authorization", "AWS4-HMAC-SHA256 Credential=x");
        expectS3(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, () -> authenticatorAt(AT).authenticate(garbled, null));
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> authenticatorAt(AT).authenticate(
                getObject().removeHeader("x-amz-date"), null));
        expectS3(S3ErrorCode.INVALID_REQUEST, () -> authenticatorAt(AT).authenticate(
                getObject().removeHeader("x-amz-content-sha256"), null));
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> authenticatorAt(AT).authenticate(
                getObject().header("x-amz-acl", "public-read"), null));
    }

    private static final String PUT_BODY = "Welcome to Amazon S3.";

    private static TestRequest putObject(String rawPath) {
        return new TestRequest("PUT", rawPath, null)
                .header("Host", "examplebucket.s3.amazonaws.com")
                .header("Date", "Fri, 24 May 2013 00:00:00 GMT")
                .header("x-amz-date", "20130524T000000Z")
                .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
                .header("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
                .header("Content-Length", Integer.toString(PUT_BODY.length()))
                .header("Authorization", "AWS4-HMAC-SHA256 " + SCOPE
                        + ",SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void putObjectVerifiesSignatureAndBody() throws IOException {
        AuthResult auth = authenticatorAt(AT).authenticate(putObject("/test%24file.text"), null);
        byte[] body = readAll(auth, PUT_BODY.getBytes(StandardCharsets.UTF_8));
        assertEquals(PUT_BODY, new String(body, StandardCharsets.UTF_8));
        assertEquals(PUT_BODY.length(), auth.decodedContentLength().orElseThrow());
    }

    @Test
    void putObjectWithTheKeyCharacterSentRawStillVerifies() {
        // A client may send '$' as is while signing its canonical encoding: same object, same signature.
        authenticatorAt(AT).authenticate(putObject("/test$file.text"), null);
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> authenticatorAt(AT).authenticate(putObject("/test%24file.txt"), null));
    }

    @Test
    void putObjectWithAlteredBodyFailsBeforeTheLastByteIsHandedOut() throws IOException {
        AuthResult auth = authenticatorAt(AT).authenticate(putObject("/test%24file.text"), null);
        byte[] tampered = "Welcome to Amazon S4.".getBytes(StandardCharsets.UTF_8);
        PayloadStream in = auth.payload(new ByteArrayInputStream(tampered));
        // A store that reads exactly the declared length never sees end-of-stream, yet must not succeed.
        S3PayloadException e = expectPayload(S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH,
                () -> in.readNBytes(PUT_BODY.length()));
        assertEquals(400, e.toS3Exception().errorCode().httpStatus());
        assertFalse(in.verified());

        AuthResult again = authenticatorAt(AT).authenticate(putObject("/test%24file.text"), null);
        expectPayload(S3ErrorCode.INCOMPLETE_BODY,
                () -> readAll(again, "Welcome to Amazon".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void getBucketLifecycleVerifies() {
        TestRequest request = new TestRequest("GET", "/", "lifecycle")
                .header("Host", "examplebucket.s3.amazonaws.com")
                .header("x-amz-date", "20130524T000000Z")
                .header("x-amz-content-sha256", EMPTY)
                .header("Authorization", "AWS4-HMAC-SHA256 " + SCOPE
                        + ",SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                        + "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
        authenticatorAt(AT).authenticate(request, null);
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> authenticatorAt(AT).authenticate(request.query("policy"), null));
    }

    @Test
    void listObjectsSortsTheQuery() {
        TestRequest request = new TestRequest("GET", "/", "max-keys=2&prefix=J")
                .header("Host", "examplebucket.s3.amazonaws.com")
                .header("x-amz-date", "20130524T000000Z")
                .header("x-amz-content-sha256", EMPTY)
                .header("Authorization", "AWS4-HMAC-SHA256 " + SCOPE
                        + ",SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                        + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
        authenticatorAt(AT).authenticate(request, null);
        authenticatorAt(AT).authenticate(request.query("prefix=J&max-keys=2"), null);
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> authenticatorAt(AT).authenticate(request.query("max-keys=3&prefix=J"), null));
    }

    // --- chunked upload -------------------------------------------------------------------------

    private static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private static final String CHUNK1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private static final String CHUNK2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private static final String FINAL = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    private static TestRequest chunkedPut() {
        return new TestRequest("PUT", "/examplebucket/chunkObject.txt", null)
                .header("Host", "s3.amazonaws.com")
                .header("x-amz-date", "20130524T000000Z")
                .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
                .header("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
                .header("Content-Encoding", "aws-chunked")
                .header("x-amz-decoded-content-length", "66560")
                .header("Content-Length", "66824")
                .header("Authorization", "AWS4-HMAC-SHA256 " + SCOPE + ",SignedHeaders=content-encoding;"
                        + "content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                        + "x-amz-storage-class,Signature=" + SEED);
    }

    private static byte[] chunkedBody(String sig1, String sig2, String sigFinal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] a64 = new byte[65536];
        Arrays.fill(a64, (byte) 'a');
        byte[] a1 = new byte[1024];
        Arrays.fill(a1, (byte) 'a');
        out.writeBytes(("10000;chunk-signature=" + sig1 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a64);
        out.writeBytes(("\r\n400;chunk-signature=" + sig2 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a1);
        out.writeBytes(("\r\n0;chunk-signature=" + sigFinal + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void chunkedUploadVerifiesSeedAndEveryChunk() throws IOException {
        AuthResult auth = authenticatorAt(AT).authenticate(chunkedPut(), null);
        assertEquals(PayloadMode.STREAMING_SIGNED, auth.payloadMode());
        assertEquals(66560, auth.decodedContentLength().orElseThrow());
        assertTrue(auth.storedContentEncoding().isEmpty());
        byte[] raw = chunkedBody(CHUNK1, CHUNK2, FINAL);
        assertEquals(66824, raw.length, "the documented Content-Length");
        byte[] decoded = readAll(auth, raw);
        byte[] expected = new byte[66560];
        Arrays.fill(expected, (byte) 'a');
        assertArrayEquals(expected, decoded);
    }

    @Test
    void chunkedUploadDecodesWhateverTheReadSizes() throws IOException {
        AuthResult auth = authenticatorAt(AT).authenticate(chunkedPut(), null);
        // A raw stream that hands out 1 to 7 bytes at a time, like a slow network.
        InputStream trickle = new ByteArrayInputStream(chunkedBody(CHUNK1, CHUNK2, FINAL)) {
            private int turn;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + (turn++ % 7)));
            }
        };
        PayloadStream in = auth.payload(trickle);
        long n = 0;
        int c;
        while ((c = in.read()) >= 0) {
            assertEquals('a', c);
            n++;
        }
        assertEquals(66560, n);
        assertTrue(in.verified());
    }

    @Test
    void chunkedUploadWithAlteredChunkOrSignatureIsRejected() {
        byte[] raw = chunkedBody(CHUNK1, CHUNK2, FINAL);
        raw[200] = 'b';
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> readAll(authenticatorAt(AT).authenticate(chunkedPut(), null), raw));
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> readAll(authenticatorAt(AT).authenticate(
                chunkedPut(), null), chunkedBody(CHUNK1, CHUNK2, FINAL.replace('b', 'c'))));
        // Chunks in the wrong order break the chain.
        expectPayload(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> readAll(authenticatorAt(AT).authenticate(
                chunkedPut(), null), chunkedBody(CHUNK2, CHUNK1, FINAL)));
        byte[] truncated = Arrays.copyOf(chunkedBody(CHUNK1, CHUNK2, FINAL), 40000);
        expectPayload(S3ErrorCode.INCOMPLETE_BODY,
                () -> readAll(authenticatorAt(AT).authenticate(chunkedPut(), null), truncated));
        byte[] noFinalChunk = Arrays.copyOf(chunkedBody(CHUNK1, CHUNK2, FINAL), 65536 + 1024 + 200);
        expectPayload(S3ErrorCode.INCOMPLETE_BODY,
                () -> readAll(authenticatorAt(AT).authenticate(chunkedPut(), null), noFinalChunk));
        // The seed (request) signature is checked before any chunk.
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticatorAt(AT).authenticate(
                chunkedPut().replaceHeader("x-amz-decoded-content-length", "66561"), null));
    }

    // --- presigned URL --------------------------------------------------------------------------

    private static final String PRESIGNED_QUERY = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    private static TestRequest presignedGet(String query) {
        return new TestRequest("GET", "/test.txt", query).header("Host", "examplebucket.s3.amazonaws.com");
    }

    @Test
    void presignedGetVerifiesUntilItExpires() {
        AuthResult auth = authenticatorAt(AT).authenticate(presignedGet(PRESIGNED_QUERY), null);
        assertEquals(AuthMethod.SIGV4_QUERY, auth.method());
        assertEquals(PayloadMode.UNSIGNED, auth.payloadMode());
        authenticatorAt("2013-05-25T00:00:00Z").authenticate(presignedGet(PRESIGNED_QUERY), null);
        S3Exception e = expectS3(S3ErrorCode.ACCESS_DENIED,
                () -> authenticatorAt("2013-05-25T00:00:01Z").authenticate(presignedGet(PRESIGNED_QUERY), null));
        assertEquals("Request has expired", e.getMessage());
        expectS3(S3ErrorCode.ACCESS_DENIED,
                () -> authenticatorAt("2013-05-23T23:00:00Z").authenticate(presignedGet(PRESIGNED_QUERY), null));
    }

    @Test
    void presignedGetRejectsTamperingAndOverlongExpiry() {
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY).path("/test2.txt"), null));
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY.replace("X-Amz-Expires=86400", "X-Amz-Expires=86401")), null));
        expectS3(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY.replace("X-Amz-Expires=86400", "X-Amz-Expires=604801")), null));
        expectS3(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY.replace("&X-Amz-SignedHeaders=host", "")), null));
        expectS3(S3ErrorCode.INVALID_ARGUMENT, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY).header("Authorization", "AWS4-HMAC-SHA256 x"), null));
        // A header the signer did not see could change the request: S3 refuses unsigned x-amz-*.
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> authenticatorAt(AT).authenticate(
                presignedGet(PRESIGNED_QUERY).header("x-amz-meta-x", "1"), null));
    }

    @Test
    void anonymousAndUnsupportedSchemes() {
        AuthResult anonymous = authenticatorAt(AT).authenticate(new TestRequest("GET", "/b/k", null), null);
        assertTrue(anonymous.anonymous());
        assertEquals(AuthMethod.ANONYMOUS, anonymous.method());
        expectS3(S3ErrorCode.INVALID_ARGUMENT, () -> authenticatorAt(AT).authenticate(
                new TestRequest("GET", "/b/k", null).header("Authorization", "Bearer abc"), null));
    }
}
