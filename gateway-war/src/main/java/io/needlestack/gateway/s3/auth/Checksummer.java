package io.needlestack.gateway.s3.auth;

import java.security.MessageDigest;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/** Computes one {@link ChecksumAlgorithm} over a stream of bytes. */
abstract class Checksummer {

    abstract void update(byte[] b, int off, int len);

    /** The big-endian digest, as S3 encodes it (before base64). */
    abstract byte[] digest();

    static Checksummer of(ChecksumAlgorithm algorithm) {
        return switch (algorithm) {
            case CRC32 -> new Crc(new CRC32());
            case CRC32C -> new Crc(new CRC32C());
            case CRC64NVME -> new Crc64();
            case SHA1 -> new Digest(Crypto.digest("SHA-1"));
            case SHA256 -> new Digest(Crypto.sha256());
            case SHA512 -> new Digest(Crypto.digest("SHA-512"));
            case MD5 -> new Digest(Crypto.digest("MD5"));
        };
    }

    private static final class Crc extends Checksummer {
        private final Checksum crc;

        Crc(Checksum crc) {
            this.crc = crc;
        }

        @Override
        void update(byte[] b, int off, int len) {
            crc.update(b, off, len);
        }

        @Override
        byte[] digest() {
            long v = crc.getValue();
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
    }

    private static final class Digest extends Checksummer {
        private final MessageDigest md;

        Digest(MessageDigest md) {
            this.md = md;
        }

        @Override
        void update(byte[] b, int off, int len) {
            md.update(b, off, len);
        }

        @Override
        byte[] digest() {
            return md.digest();
        }
    }

    /** CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5, all-ones init and final xor). */
    static final class Crc64 extends Checksummer {
        private static final long[] TABLE = new long[256];

        static {
            for (int i = 0; i < 256; i++) {
                long c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ 0x9A6C9329AC4BC9B5L : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        private long crc = -1L;

        @Override
        void update(byte[] b, int off, int len) {
            long c = crc;
            for (int i = off; i < off + len; i++) {
                c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
            }
            crc = c;
        }

        long value() {
            return ~crc;
        }

        @Override
        byte[] digest() {
            long v = value();
            byte[] out = new byte[8];
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (v >>> (56 - 8 * i));
            }
            return out;
        }
    }
}
