package io.needlestack.core.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class AccountJsonTest {

    @Test
    void credentialRoundTrips() {
        Credential c = new Credential("AK1", "s3cr\"et/+", "alice", "Alice \u00e9", false);
        assertEquals(c, AccountJson.credential(AccountJson.toJson(c)));
        assertFalse(c.toString().contains("s3cr"), "toString must not leak the secret");
    }

    @Test
    void bucketsRoundTrip() {
        BucketInfo a = new BucketInfo("photos", "alice", "us-east-1", Instant.parse("2026-11-22T00:00:00.123Z"));
        BucketInfo b = new BucketInfo("logs.2026", "bob", "eu-west-1", Instant.ofEpochMilli(1));
        assertEquals(a, AccountJson.bucket(AccountJson.toJson(a)));
        assertEquals(List.of(a, b), AccountJson.buckets(AccountJson.bucketsToJson(List.of(a, b))));
        assertEquals(List.of(), AccountJson.buckets(AccountJson.bucketsToJson(List.of())));
    }

    @Test
    void errorCodes() {
        assertEquals("NoSuchBucket", AccountJson.errorCode(AccountJson.error("NoSuchBucket", "x"), "F"));
        assertEquals("F", AccountJson.errorCode("<html>proxy error</html>", "F"));
        assertEquals(BucketConflictException.Kind.ALREADY_OWNED_BY_YOU,
                BucketConflictException.fromCode("BucketAlreadyOwnedByYou", "b").kind());
        assertNull(BucketConflictException.fromCode("Other", "b"));
    }
}
