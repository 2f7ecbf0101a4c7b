package io.needlestack.gateway.s3.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * The additional checksums S3 accepts ({@code x-amz-checksum-*}), as header or as trailer. The
 * XXHASH family that newer SDKs know is not supported yet: a request naming it is refused.
 */
public enum ChecksumAlgorithm {
    CRC32(4, "CRC32"),
    CRC32C(4, "CRC32C"),
    CRC64NVME(8, "CRC64NVME"),
    SHA1(20, "SHA1"),
    SHA256(32, "SHA256"),
    SHA512(64, "SHA512"),
    MD5(16, "MD5");

    private final int length;
    private final String displayName;

    ChecksumAlgorithm(int length, String displayName) {
        this.length = length;
        this.displayName = displayName;
    }

    /** The header (and trailer) name carrying this checksum, e.g. {@code x-amz-checksum-crc32c}. */
    public String headerName() {
        return "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    /** The digest length in bytes. */
    public int length() {
        return length;
    }

    /** The name S3 uses in messages and in {@code x-amz-sdk-checksum-algorithm}. */
    public String displayName() {
        return displayName;
    }

    /** The algorithm a header name stands for, e.g. {@code x-amz-checksum-sha1}. */
    public static Optional<ChecksumAlgorithm> fromHeaderName(String name) {
        for (ChecksumAlgorithm a : values()) {
            if (a.headerName().equalsIgnoreCase(name.trim())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
