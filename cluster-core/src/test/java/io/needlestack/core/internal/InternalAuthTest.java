package io.needlestack.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.needlestack.core.internal.InternalAuthException.Reason;

class InternalAuthTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final InternalAuth auth = new InternalAuth(SECRET, clock, Duration.ofMinutes(5), 3);

    private void verify(InternalAuth a, String method, String target, Map<String, String> h) throws InternalAuthException {
        a.verify(method, target, h.get(InternalAuth.DATE_HEADER), h.get(InternalAuth.NONCE_HEADER),
                h.get(InternalAuth.SIGNATURE_HEADER));
    }

    private Reason refusal(InternalAuth a, String method, String target, Map<String, String> h) {
        return assertThrows(InternalAuthException.class, () -> verify(a, method, target, h)).reason();
    }

    @Test
    void signedRequestIsAcceptedOnce() throws Exception {
        Map<String, String> h = auth.sign("GET", "/_admin/internal/buckets?owner=alice");
        verify(auth, "GET", "/_admin/internal/buckets?owner=alice", h);
        assertEquals(Reason.REPLAYED, refusal(auth, "GET", "/_admin/internal/buckets?owner=alice", h));
    }

    @Test
    void anotherNodeWithTheSameSecretAccepts() throws Exception {
        InternalAuth other = new InternalAuth(SECRET.clone(), clock, Duration.ofMinutes(5), 10);
        verify(other, "PUT", "/x", auth.sign("PUT", "/x"));
    }

    @Test
    void anyChangeBreaksTheSignature() {
        Map<String, String> h = auth.sign("GET", "/_admin/internal/buckets?owner=alice");
        assertEquals(Reason.BAD_SIGNATURE, refusal(auth, "DELETE", "/_admin/internal/buckets?owner=alice", h));
        assertEquals(Reason.BAD_SIGNATURE, refusal(auth, "GET", "/_admin/internal/buckets?owner=mallory", h));
        Map<String, String> otherNonce = new java.util.HashMap<>(h);
        otherNonce.put(InternalAuth.NONCE_HEADER, "fresh-nonce");
        assertEquals(Reason.BAD_SIGNATURE, refusal(auth, "GET", "/_admin/internal/buckets?owner=alice", otherNonce));
        Map<String, String> otherDate = new java.util.HashMap<>(h);
        otherDate.put(InternalAuth.DATE_HEADER, Long.toString(clock.millis() + 1));
        assertEquals(Reason.BAD_SIGNATURE, refusal(auth, "GET", "/_admin/internal/buckets?owner=alice", otherDate));
        InternalAuth wrongKey = new InternalAuth("another secret of sixteen+".getBytes(StandardCharsets.UTF_8),
                clock, Duration.ofMinutes(5), 10);
        assertEquals(Reason.BAD_SIGNATURE, refusal(wrongKey, "GET", "/_admin/internal/buckets?owner=alice", h));
    }

    @Test
    void skewWindowIsInclusiveOfFiveMinutesBothWays() throws Exception {
        Map<String, String> early = auth.sign("GET", "/a");
        Map<String, String> late = auth.sign("GET", "/b");
        Map<String, String> tooOld = auth.sign("GET", "/c");
        clock.millis += Duration.ofMinutes(5).toMillis();
        verify(auth, "GET", "/a", early);
        clock.millis += 1;
        assertEquals(Reason.SKEW, refusal(auth, "GET", "/c", tooOld));
        // a sender whose clock runs ahead
        clock.millis -= 2 * Duration.ofMinutes(5).toMillis() + 1;
        verify(auth, "GET", "/b", late);
        Map<String, String> future = auth.sign("GET", "/d");
        clock.millis -= Duration.ofMinutes(5).toMillis() + 1;
        assertEquals(Reason.SKEW, refusal(auth, "GET", "/d", future));
    }

    @Test
    void missingAndMalformedHeadersAreRefused() {
        Map<String, String> h = auth.sign("GET", "/a");
        assertEquals(Reason.MISSING, assertThrows(InternalAuthException.class,
                () -> auth.verify("GET", "/a", null, h.get(InternalAuth.NONCE_HEADER), h.get(InternalAuth.SIGNATURE_HEADER))).reason());
        assertEquals(Reason.MALFORMED, assertThrows(InternalAuthException.class,
                () -> auth.verify("GET", "/a", "yesterday", "n", h.get(InternalAuth.SIGNATURE_HEADER))).reason());
        assertEquals(Reason.MALFORMED, assertThrows(InternalAuthException.class,
                () -> auth.verify("GET", "/a", h.get(InternalAuth.DATE_HEADER), "n", "v1=zz")).reason());
        assertEquals(Reason.MALFORMED, assertThrows(InternalAuthException.class,
                () -> auth.verify("GET", "/a", h.get(InternalAuth.DATE_HEADER), "n", "v0=00")).reason());
    }

    @Test
    void replayMemoryIsBoundedAndForgetsNoncesOnlyAfterTheWindow() throws Exception {
        for (int i = 0; i < 3; i++) {
            verify(auth, "GET", "/n" + i, auth.sign("GET", "/n" + i));
        }
        assertEquals(3, auth.rememberedNonces());
        // Full of live nonces: refuse rather than forget one that could then be replayed.
        assertEquals(Reason.OVERLOADED, refusal(auth, "GET", "/n3", auth.sign("GET", "/n3")));
        Map<String, String> captured = auth.sign("GET", "/n4");
        // Remembered by the second: forgotten within a second after the window.
        clock.millis += Duration.ofMinutes(5).toMillis() + 1000;
        // The old nonces expired together with their dates; a new request fits again.
        verify(auth, "GET", "/n5", auth.sign("GET", "/n5"));
        assertEquals(1, auth.rememberedNonces());
        // and a request captured back then is now refused by the window, not the memory
        assertEquals(Reason.SKEW, refusal(auth, "GET", "/n4", captured));
    }

    @Test
    void replayIsRefusedAmongManyOtherRequests() throws Exception {
        InternalAuth big = new InternalAuth(SECRET, clock, Duration.ofSeconds(60), 100_000);
        Map<String, String> first = big.sign("PUT", "/_internal/needles/b/k?hlc=1");
        verify(big, "PUT", "/_internal/needles/b/k?hlc=1", first);
        for (int i = 0; i < 20_000; i++) {
            clock.millis += i % 3;
            verify(big, "GET", "/n" + i, big.sign("GET", "/n" + i));
        }
        assertEquals(20_001, big.rememberedNonces());
        assertEquals(Reason.REPLAYED, refusal(big, "PUT", "/_internal/needles/b/k?hlc=1", first));
    }

    @Test
    void badSignaturesDoNotFillTheReplayMemory() {
        Map<String, String> h = auth.sign("GET", "/a");
        for (int i = 0; i < 10; i++) {
            refusal(auth, "GET", "/forged" + i, h);
        }
        assertEquals(0, auth.rememberedNonces());
    }

    @Test
    void signatureHeaderIsVersionedHex() {
        String sig = auth.sign("GET", "/a").get(InternalAuth.SIGNATURE_HEADER);
        assertTrue(sig.matches("v1=[0-9a-f]{64}"), sig);
    }

    @Test
    void shortSecretsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InternalAuth(new byte[8]));
    }
}
