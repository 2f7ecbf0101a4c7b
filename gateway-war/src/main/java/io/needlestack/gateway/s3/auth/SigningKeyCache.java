package io.needlestack.gateway.s3.auth;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derived SigV4 signing keys. Deriving one costs four HMACs and a key is good for a whole day, so
 * they are kept per (secret, date, region). The secret is part of the key so that a rotated
 * secret can never sign with a stale derived key. Bounded by clearing when full: simple, and a
 * miss only costs four HMACs.
 */
final class SigningKeyCache {

    private record Key(String accessKeyId, String secret, String date, String region) {
    }

    private final ConcurrentHashMap<Key, byte[]> keys = new ConcurrentHashMap<>();
    private final int maxEntries;

    SigningKeyCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    byte[] signingKey(Credential credential, String date, String region, String service) {
        Key key = new Key(credential.accessKeyId(), credential.secretKey(), date, region + "/" + service);
        byte[] cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] derived = derive(credential.secretKey(), date, region, service);
        if (keys.size() >= maxEntries) {
            keys.clear();
        }
        keys.put(key, derived);
        return derived;
    }

    int size() {
        return keys.size();
    }

    static byte[] derive(String secret, String date, String region, String service) {
        byte[] k = Crypto.hmacSha256(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = Crypto.hmacSha256(k, region);
        k = Crypto.hmacSha256(k, service);
        return Crypto.hmacSha256(k, "aws4_request");
    }
}
