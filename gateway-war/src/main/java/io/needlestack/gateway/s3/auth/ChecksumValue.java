package io.needlestack.gateway.s3.auth;

import java.util.Objects;

/**
 * A verified S3 checksum of an object's (decoded) bytes, as S3 returns it.
 *
 * @param algorithm the algorithm
 * @param base64    the big-endian digest, base64
 */
public record ChecksumValue(ChecksumAlgorithm algorithm, String base64) {

    /** Checks that both parts are present. */
    public ChecksumValue {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(base64, "base64");
    }
}
