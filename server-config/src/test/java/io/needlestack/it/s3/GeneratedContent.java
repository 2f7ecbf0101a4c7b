package io.needlestack.it.s3;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random object content of any length, never held in memory: byte
 * {@code p} depends only on the seed and {@code p}, so any slice (a multipart part, a range) can
 * be regenerated independently and compared by digest.
 */
final class GeneratedContent {

  private final long seed;
  private final long length;

  GeneratedContent(long seed, long length) {
    this.seed = seed;
    this.length = length;
  }

  long length() {
    return length;
  }

  /** A fresh stream over the whole content; every call starts again from byte 0. */
  InputStream open() {
    return open(0, length);
  }

  /** A fresh stream over {@code [offset, offset + count)}. */
  InputStream open(long offset, long count) {
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IllegalArgumentException(offset + "+" + count + " outside " + length);
    }
    return new SliceStream(offset, offset + count);
  }

  /** The bytes of a small slice, for exact comparisons. */
  byte[] bytes(long offset, int count) {
    try (InputStream in = open(offset, count)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Digests of {@code [offset, offset + count)}. */
  Digests digests(long offset, long count) {
    try (InputStream in = open(offset, count)) {
      return Digests.of(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Digests digests() {
    return digests(0, length);
  }

  private long word(long index) {
    // SplitMix64 finaliser: fast, and every 8-byte block is independent of its neighbours.
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private final class SliceStream extends InputStream {
    private long pos;
    private final long end;

    SliceStream(long start, long end) {
      this.pos = start;
      this.end = end;
    }

    @Override
    public int read() {
      if (pos >= end) {
        return -1;
      }
      int b = (int) (word(pos >>> 3) >>> ((pos & 7) * 8)) & 0xFF;
      pos++;
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - pos);
      int i = 0;
      while (i < n && (pos & 7) != 0) {
        buf[off + i++] = (byte) read();
      }
      while (n - i >= 8) {
        long w = word(pos >>> 3);
        for (int k = 0; k < 8; k++) {
          buf[off + i + k] = (byte) (w >>> (k * 8));
        }
        i += 8;
        pos += 8;
      }
      while (i < n) {
        buf[off + i++] = (byte) read();
      }
      return n;
    }

    @Override
    public long skip(long n) {
      long s = Math.max(0, Math.min(n, end - pos));
      pos += s;
      return s;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }
  }

  /** Length, MD5 and SHA-256 of a byte stream, computed while streaming it once. */
  record Digests(long length, String md5Hex, String sha256Hex, byte[] md5) {

    static Digests of(InputStream in) throws IOException {
      MessageDigest md5 = newDigest("MD5");
      MessageDigest sha = newDigest("SHA-256");
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        md5.update(buf, 0, n);
        sha.update(buf, 0, n);
        total += n;
      }
      byte[] m = md5.digest();
      return new Digests(total, HexFormat.of().formatHex(m),
          HexFormat.of().formatHex(sha.digest()), m);
    }

    /** The S3 ETag of a single PUT: the quoted MD5. */
    String etag() {
      return "\"" + md5Hex + "\"";
    }

    @Override
    public String toString() {
      return "Digests[length=" + length + ", md5=" + md5Hex + ", sha256=" + sha256Hex + "]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digests d && d.length == length && d.sha256Hex.equals(sha256Hex)
          && d.md5Hex.equals(md5Hex);
    }

    @Override
    public int hashCode() {
      return sha256Hex.hashCode();
    }
  }

  /** The S3 multipart ETag: MD5 of the concatenated binary part MD5s, then {@code -N}. */
  static String multipartEtag(java.util.List<Digests> parts) {
    MessageDigest md5 = newDigest("MD5");
    parts.forEach(p -> md5.update(p.md5()));
    return "\"" + HexFormat.of().formatHex(md5.digest()) + "-" + parts.size() + "\"";
  }

  static MessageDigest newDigest(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
