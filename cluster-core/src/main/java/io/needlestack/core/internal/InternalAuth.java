package io.needlestack.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.needlestack.core.internal.InternalAuthException.Reason;

/**
 * Signs and verifies internal (node-to-node) requests with the cluster secret.
 *
 * <p>Wire format, protocol version 1: three headers,
 * <ul>
 *   <li>{@value #DATE_HEADER}: the sender's clock in epoch milliseconds;</li>
 *   <li>{@value #NONCE_HEADER}: 16 random bytes, base64url without padding;</li>
 *   <li>{@value #SIGNATURE_HEADER}: {@code v1=} and the lower-case hex of
 *       HMAC-SHA256(secret, method + "\n" + target + "\n" + date + "\n" + nonce).</li>
 * </ul>
 * The target is the raw request path with its raw query string ({@code /a/b?x=1}), exactly as
 * sent, so every input of a request that carries no body is covered by the signature.
 *
 * <p>The verifier accepts a date within {@code ±skew} of its own clock and remembers every
 * accepted request (by its signature, which covers the nonce: see {@link ReplayMemory}) until its
 * date has left the window, so a captured request is refused the second time. The memory is
 * bounded: when it holds {@code maxNonces} live requests, further requests are refused
 * ({@link Reason#OVERLOADED}) rather than forgetting one that could then be replayed; that refusal
 * is a matter of capacity, not of authentication, and verifiers answer it as a retryable overload.
 * Only correctly signed requests are remembered, so only holders of the secret can fill it.
 * The memory is per process: a request captured just before a restart can be replayed once
 * after it, within the window.
 *
 * <p>Thread-safe.
 */
public final class InternalAuth {

    /** Header carrying the sender's clock, epoch milliseconds. */
    public static final String DATE_HEADER = "X-Needlestack-Date";
    /** Header carrying the random nonce. */
    public static final String NONCE_HEADER = "X-Needlestack-Nonce";
    /** Header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Needlestack-Signature";
    /**
     * The accepted clock difference by default. Every accepted request is remembered for about
     * this long, so the window divides the replay memory into a request rate: 1,000,000 requests
     * over 60 s let a node take about 16,000 internal requests a second (five minutes allowed only
     * 670 with the 200,000 of the first version, which a three-node cluster on two cores already
     * exceeded under 4 KiB PUTs). Nodes of a cluster keep their clocks within seconds of each
     * other anyway (NTP): the versions' HLC depends on it.
     */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    /**
     * The number of live requests remembered by default: 8 bytes each in primitive arrays at most
     * half full, so 16 to 32 MiB of heap when full (200,000 nonce strings took about as much).
     */
    public static final int DEFAULT_MAX_NONCES = 1_000_000;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION_PREFIX = "v1=";
    private static final int NONCE_BYTES = 16;
    private static final int MAX_NONCE_LENGTH = 64;

    private final SecretKeySpec key;
    private final Clock clock;
    private final long skewMillis;
    private final SecureRandom random = new SecureRandom();
    private final ReplayMemory seen;
    /** One initialised MAC per thread: looking the algorithm up per request walks the providers. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /** A signer/verifier with the default window and replay memory. */
    public InternalAuth(byte[] secret) {
        this(secret, Clock.systemUTC(), DEFAULT_SKEW, DEFAULT_MAX_NONCES);
    }

    /** A signer/verifier with an explicit clock, window and replay memory (tests, tuning). */
    public InternalAuth(byte[] secret, Clock clock, Duration skew, int maxNonces) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 16) {
            throw new IllegalArgumentException("cluster secret too short: " + secret.length + " bytes");
        }
        if (skew.isNegative() || skew.isZero() || maxNonces < 1) {
            throw new IllegalArgumentException("skew and maxNonces must be positive");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skewMillis = skew.toMillis();
        this.seen = new ReplayMemory(maxNonces);
    }

    /**
     * The headers that authenticate a request.
     *
     * @param method the HTTP method, e.g. {@code GET}
     * @param target the raw path and query as sent, e.g. {@code /_admin/internal/buckets?owner=a}
     * @return header name to value, in a stable order
     */
    public Map<String, String> sign(String method, String target) {
        byte[] n = new byte[NONCE_BYTES];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        String date = Long.toString(clock.millis());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DATE_HEADER, date);
        headers.put(NONCE_HEADER, nonce);
        headers.put(SIGNATURE_HEADER, VERSION_PREFIX + HexFormat.of().formatHex(mac(method, target, date, nonce)));
        return headers;
    }

    /**
     * Checks a request's headers; on success the nonce is consumed.
     *
     * @param method the HTTP method as received
     * @param target the raw path and query as received
     * @param date the {@value #DATE_HEADER} header, or null
     * @param nonce the {@value #NONCE_HEADER} header, or null
     * @param signature the {@value #SIGNATURE_HEADER} header, or null
     * @throws InternalAuthException when the request must be refused
     */
    public void verify(String method, String target, String date, String nonce, String signature)
            throws InternalAuthException {
        if (isBlank(date) || isBlank(nonce) || isBlank(signature)) {
            throw new InternalAuthException(Reason.MISSING, "authentication headers missing");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(date.trim());
        } catch (NumberFormatException e) {
            throw new InternalAuthException(Reason.MALFORMED, "date is not epoch millis");
        }
        if (nonce.length() > MAX_NONCE_LENGTH) {
            throw new InternalAuthException(Reason.MALFORMED, "nonce too long");
        }
        if (!signature.startsWith(VERSION_PREFIX)) {
            throw new InternalAuthException(Reason.MALFORMED, "unknown signature version");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.substring(VERSION_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InternalAuthException(Reason.MALFORMED, "signature is not hex");
        }
        long now = clock.millis();
        if (Math.abs(now - sentAt) > skewMillis) {
            throw new InternalAuthException(Reason.SKEW, "date outside the accepted window");
        }
        // Signature before the memory: an unauthenticated caller must not fill the replay memory.
        byte[] expected = mac(method, target, date.trim(), nonce);
        if (!MessageDigest.isEqual(given, expected)) {
            throw new InternalAuthException(Reason.BAD_SIGNATURE, "signature mismatch");
        }
        remember(ByteBuffer.wrap(expected).getLong(), sentAt + skewMillis, now);
    }

    private synchronized void remember(long id, long forgetAt, long now) throws InternalAuthException {
        switch (seen.remember(id, forgetAt, now)) {
            case REPLAYED -> throw new InternalAuthException(Reason.REPLAYED, "request already received");
            case FULL -> throw new InternalAuthException(Reason.OVERLOADED, "replay memory full");
            case REMEMBERED -> {
                // accepted
            }
        }
    }

    /** The number of requests currently remembered (for metrics and tests). */
    public synchronized int rememberedNonces() {
        return seen.size();
    }

    private byte[] mac(String method, String target, String date, String nonce) {
        String canonical = method + "\n" + target + "\n" + date + "\n" + nonce;
        return macs.get().doFinal(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java 17 runtime ships HmacSHA256; reaching this is a broken JVM.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
