package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.gateway.object.ObjectPrecondition;
import io.needlestack.gateway.object.StoredObject;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import io.needlestack.gateway.s3.http.S3Request;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WritePreconditionsTest {

    private static final String ETAG = "0123456789abcdef0123456789abcdef";
    private static final Optional<StoredObject> PRESENT = Optional.of(new StoredObject("bucket", "key",
            new NeedleRecord(NeedleKey.object("bucket", "key"), 1, "v1", false, Map.of(), 3, ETAG, 0, 1, 0, 100)));

    private static S3Request request(String method, String... headerPairs) {
        Map<String, List<String>> headers = new HashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        return new S3Request(method, "bucket", "key", "", headers, "req");
    }

    private static ObjectPrecondition of(String... headerPairs) {
        return WritePreconditions.of(request("PUT", headerPairs));
    }

    private static S3Exception refusal(ObjectPrecondition p, Optional<StoredObject> current) {
        return assertThrows(S3Exception.class, () -> p.check(current));
    }

    @Test
    void noConditionIsNone() {
        assertSame(ObjectPrecondition.NONE, of("content-type", "text/plain"));
    }

    @Test
    void ifNoneMatchStarWritesOnlyWhereNothingIs() {
        ObjectPrecondition p = of("if-none-match", "*");
        assertDoesNotThrow(() -> p.check(Optional.empty()));
        S3Exception e = refusal(p, PRESENT);
        assertEquals(S3ErrorCode.PRECONDITION_FAILED, e.errorCode());
        assertEquals(412, e.errorCode().httpStatus());
        assertEquals("If-None-Match", e.details().get("Condition"));
    }

    @Test
    void ifNoneMatchTakesOnlyAStar() {
        S3Exception e = assertThrows(S3Exception.class, () -> of("if-none-match", "\"" + ETAG + "\""));
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED, e.errorCode());
    }

    @Test
    void ifMatchNeedsTheSameEtag() {
        assertDoesNotThrow(() -> of("if-match", "\"" + ETAG + "\"").check(PRESENT));
        assertDoesNotThrow(() -> of("if-match", ETAG).check(PRESENT));
        assertDoesNotThrow(() -> of("if-match", "\"other\", \"" + ETAG + "\"").check(PRESENT));
        assertDoesNotThrow(() -> of("if-match", "*").check(PRESENT));
        S3Exception e = refusal(of("if-match", "\"other\""), PRESENT);
        assertEquals(S3ErrorCode.PRECONDITION_FAILED, e.errorCode());
        assertEquals("If-Match", e.details().get("Condition"));
        // No object at all: S3 answers NoSuchKey, not PreconditionFailed.
        assertEquals(S3ErrorCode.NO_SUCH_KEY, refusal(of("if-match", "\"" + ETAG + "\""), Optional.empty()).errorCode());
        assertEquals(S3ErrorCode.NO_SUCH_KEY, refusal(of("if-match", "*"), Optional.empty()).errorCode());
    }

    @Test
    void bothConditionsMustHold() {
        ObjectPrecondition p = of("if-match", "*", "if-none-match", "*");
        assertEquals(S3ErrorCode.PRECONDITION_FAILED, refusal(p, PRESENT).errorCode());
        assertEquals(S3ErrorCode.NO_SUCH_KEY, refusal(p, Optional.empty()).errorCode());
    }

    @Test
    void deletesTakeIfMatchAndRefuseWhatTheyWouldIgnore() {
        assertSame(ObjectPrecondition.NONE, WritePreconditions.ofDelete(request("DELETE")));
        ObjectPrecondition p = WritePreconditions.ofDelete(request("DELETE", "if-match", "\"" + ETAG + "\""));
        assertDoesNotThrow(() -> p.check(PRESENT));
        assertEquals(S3ErrorCode.NO_SUCH_KEY, refusal(p, Optional.empty()).errorCode());
        assertEquals(S3ErrorCode.PRECONDITION_FAILED,
                refusal(WritePreconditions.ofDelete(request("DELETE", "if-match", "\"x\"")), PRESENT).errorCode());
        for (String h : List.of("if-none-match", "x-amz-if-match-last-modified-time", "x-amz-if-match-size")) {
            S3Exception e = assertThrows(S3Exception.class, () -> WritePreconditions.ofDelete(request("DELETE", h, "*")));
            assertEquals(S3ErrorCode.NOT_IMPLEMENTED, e.errorCode(), h);
        }
    }
}
