package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsupportedTest {

    private static S3Request put(String... headerPairs) {
        return request("", headerPairs);
    }

    private static S3Request request(String query, String... headerPairs) {
        Map<String, List<String>> headers = new HashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        return new S3Request("PUT", "bucket", "key", query, headers, "req");
    }

    private static S3ErrorCode refusal(Runnable check) {
        return assertThrows(S3Exception.class, check::run).errorCode();
    }

    @Test
    void plainWritesPass() {
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("content-type", "text/plain",
                "x-amz-meta-a", "b", "x-amz-storage-class", "STANDARD", "x-amz-acl", "private")));
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("x-amz-acl", "bucket-owner-full-control")));
    }

    @Test
    void conditionalWritesAreLeftToWritePreconditions() {
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("if-none-match", "*")));
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("if-match", "\"e\"")));
    }

    @Test
    void featuresNotBuiltAreRefused() {
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-server-side-encryption", "AES256"))));
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-server-side-encryption-customer-algorithm", "AES256"))));
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED, refusal(() -> Unsupported.checkNewObject(put("x-amz-tagging", "a=b"))));
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-object-lock-mode", "GOVERNANCE"))));
        assertEquals(S3ErrorCode.INVALID_STORAGE_CLASS,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-storage-class", "GLACIER"))));
        assertEquals(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-acl", "public-read"))));
        assertEquals(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""))));
    }

    @Test
    void userMetadataIsLimitedToTwoKilobytes() {
        // 2048 bytes: the name "k" (1 byte, without x-amz-meta-) and 2047 bytes of value.
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("x-amz-meta-k", "v".repeat(2047))));
        assertEquals(S3ErrorCode.METADATA_TOO_LARGE,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-meta-k", "v".repeat(2048)))));
        // counted in UTF-8 bytes, not characters: 682 three-byte characters and the name are 2047
        // bytes, 683 are 2050
        assertDoesNotThrow(() -> Unsupported.checkNewObject(put("x-amz-meta-k", "\u65e5".repeat(682))));
        assertEquals(S3ErrorCode.METADATA_TOO_LARGE,
                refusal(() -> Unsupported.checkNewObject(put("x-amz-meta-k", "\u65e5".repeat(683)))));
    }

    @Test
    void onlyTheNullVersionExists() {
        assertDoesNotThrow(() -> Unsupported.requireNullVersion(request("")));
        assertDoesNotThrow(() -> Unsupported.requireNullVersion(request("versionId=null")));
        assertEquals(S3ErrorCode.NO_SUCH_VERSION, refusal(() -> Unsupported.requireNullVersion(request("versionId=3HL4kqtJlcpXroDTDmJ"))));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refusal(() -> Unsupported.requireNullVersion(request("versionId="))));
    }
}
