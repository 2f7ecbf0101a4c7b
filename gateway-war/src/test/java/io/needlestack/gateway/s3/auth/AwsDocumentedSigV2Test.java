package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.Test;

import static io.needlestack.gateway.s3.auth.AuthFixtures.authenticatorAt;
import static io.needlestack.gateway.s3.auth.AuthFixtures.expectS3;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The examples of "Signing and Authenticating REST Requests" (Signature Version 2) in the S3
 * developer guide. Their published signatures were computed for the bucket {@code johnsmith}
 * (later editions renamed it in the text but kept the signatures), so that is the bucket here.
 */
class AwsDocumentedSigV2Test {

    private static AuthResult verify(String at, TestRequest request, String virtualHostBucket) {
        return authenticatorAt(at).authenticate(request, virtualHostBucket);
    }

    @Test
    void objectGetVirtualHosted() {
        TestRequest r = new TestRequest("GET", "/photos/puppy.jpg", null)
                .header("Host", "johnsmith.s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
        AuthResult auth = verify("2007-03-27T19:36:42Z", r, "johnsmith");
        assertEquals(AuthMethod.SIGV2_HEADER, auth.method());
        assertEquals(PayloadMode.NOT_SIGNED, auth.payloadMode());
        // Without the bucket from the Host header the canonical resource is wrong.
        S3Exception e = expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-27T19:36:42Z", r, null));
        assertEquals("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/photos/puppy.jpg", e.details().get("StringToSign"));
    }

    @Test
    void objectPutSignsContentType() {
        TestRequest r = new TestRequest("PUT", "/photos/puppy.jpg", null)
                .header("Content-Type", "image/jpeg")
                .header("Content-Length", "94328")
                .header("Host", "johnsmith.s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 21:15:45 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:MyyxeRY7whkBe+bq8fHCL/2kKUg=");
        verify("2007-03-27T21:15:45Z", r, "johnsmith");
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                () -> verify("2007-03-27T21:15:45Z", r.replaceHeader("Content-Type", "image/png"), "johnsmith"));
    }

    @Test
    void listIgnoresOrdinaryQueryParameters() {
        TestRequest r = new TestRequest("GET", "/", "prefix=photos&max-keys=50&marker=puppy")
                .header("User-Agent", "Mozilla/5.0")
                .header("Host", "johnsmith.s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 19:42:41 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U=");
        verify("2007-03-27T19:42:41Z", r, "johnsmith");
    }

    @Test
    void aBucketAddressedPathStyleMaySignItsResourceWithATrailingSlash() {
        // The list example above, sent path style: S3's resource is "/johnsmith", but the
        // published signature is over "/johnsmith/" (the virtual-host form), which botocore signs.
        TestRequest r = new TestRequest("GET", "/johnsmith", "prefix=photos&max-keys=50&marker=puppy")
                .header("User-Agent", "Mozilla/5.0")
                .header("Host", "s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 19:42:41 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U=");
        verify("2007-03-27T19:42:41Z", r, null);
        // only for a bucket alone: the same signature does not cover an object of that bucket
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-27T19:42:41Z", r.path("/johnsmith/x"), null));
    }

    @Test
    void fetchSignsTheAclSubResource() {
        TestRequest r = new TestRequest("GET", "/", "acl")
                .header("Host", "johnsmith.s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 19:44:46 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM=");
        verify("2007-03-27T19:44:46Z", r, "johnsmith");
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-27T19:44:46Z", r.query("policy"), "johnsmith"));
    }

    @Test
    void deletePathStyleWithXAmzDate() {
        TestRequest r = new TestRequest("DELETE", "/johnsmith/photos/puppy.jpg", null)
                .header("User-Agent", "dotnet")
                .header("Host", "s3.amazonaws.com")
                .header("Date", "Tue, 27 Mar 2007 21:20:27 +0000")
                .header("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:lx3byBScXR6KzyMaifNkardMwNk=");
        verify("2007-03-27T21:20:26Z", r, null);
    }

    @Test
    void uploadToCnameBucketWithAmzHeadersAndContentMd5() {
        TestRequest r = new TestRequest("PUT", "/db-backup.dat.gz", null)
                .header("User-Agent", "curl/7.15.5")
                .header("Host", "static.johnsmith.net:8080")
                .header("Date", "Tue, 27 Mar 2007 21:06:08 +0000")
                .header("x-amz-acl", "public-read")
                .header("content-type", "application/x-download")
                .header("Content-MD5", "4gJE4saaMU4BqNR0kLY+lw==")
                .header("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net")
                .header("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net")
                .header("X-Amz-Meta-FileChecksum", "0x02661779")
                .header("X-Amz-Meta-ChecksumAlgorithm", "crc32")
                .header("Content-Disposition", "attachment; filename=database.dat")
                .header("Content-Encoding", "gzip")
                .header("Content-Length", "5913339")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:ilyl83RwaSoYIEdixDQcA4OnAnc=");
        AuthResult auth = verify("2007-03-27T21:06:08Z", r, "static.johnsmith.net");
        assertEquals("gzip", auth.storedContentEncoding().orElseThrow());
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-27T21:06:08Z",
                r.replaceHeader("X-Amz-Meta-FileChecksum", "0x02661770"), "static.johnsmith.net"));
    }

    @Test
    void listAllMyBuckets() {
        TestRequest r = new TestRequest("GET", "/", null)
                .header("Host", "s3.amazonaws.com")
                .header("Date", "Wed, 28 Mar 2007 01:29:59 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qGdzdERIC03wnaRNKh6OqZehG9s=");
        verify("2007-03-28T01:29:59Z", r, null);
    }

    @Test
    void unicodeKeysAreSignedAsSent() {
        TestRequest r = new TestRequest("GET", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", null)
                .header("Host", "s3.amazonaws.com")
                .header("Date", "Wed, 28 Mar 2007 01:49:49 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:DNEZGsoieTZ92F3bUfSPQcbGmlM=");
        verify("2007-03-28T01:49:49Z", r, null);
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-28T01:49:49Z",
                r.path("/dictionary/fran%C3%A7ais/pr%C3%A9f%C3%A8re"), null));
    }

    @Test
    void queryStringAuthenticationUntilExpires() {
        TestRequest r = new TestRequest("GET", "/photos/puppy.jpg",
                "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620")
                .header("Host", "johnsmith.s3.amazonaws.com");
        // 1175139620 is 2007-03-29T03:40:20Z.
        AuthResult auth = verify("2007-03-29T03:40:20Z", r, "johnsmith");
        assertEquals(AuthMethod.SIGV2_QUERY, auth.method());
        S3Exception e = expectS3(S3ErrorCode.ACCESS_DENIED, () -> verify("2007-03-29T03:40:21Z", r, "johnsmith"));
        assertEquals("Request has expired", e.getMessage());
        expectS3(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, () -> verify("2007-03-29T03:00:00Z",
                r.query("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139621"),
                "johnsmith"));
    }

    @Test
    void skewAndMalformedHeaders() {
        TestRequest r = new TestRequest("GET", "/photos/puppy.jpg", null)
                .header("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
                .header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
        expectS3(S3ErrorCode.REQUEST_TIME_TOO_SKEWED, () -> verify("2007-03-27T19:51:43Z", r, "johnsmith"));
        expectS3(S3ErrorCode.INVALID_ARGUMENT, () -> verify("2007-03-27T19:36:42Z",
                r.replaceHeader("Authorization", "AWS AKIAIOSFODNN7EXAMPLE"), "johnsmith"));
        expectS3(S3ErrorCode.INVALID_ACCESS_KEY_ID, () -> verify("2007-03-27T19:36:42Z",
                r.replaceHeader("Authorization", "AWS AKIAOTHER:bWq2s1WEIj+Ydj0vQ697zp+IXMU="), "johnsmith"));
        expectS3(S3ErrorCode.ACCESS_DENIED, () -> verify("2007-03-27T19:36:42Z",
                new TestRequest("GET", "/x", null).header("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:abc="), null));
    }
}
