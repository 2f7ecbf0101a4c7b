package io.needlestack.gateway.s3.auth;

import io.needlestack.gateway.s3.error.S3ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes an aws-chunked body on the fly:
 * <pre>
 *   hex-size[;chunk-signature=sig] CRLF data CRLF ... 0[;chunk-signature=sig] CRLF
 *   [trailing-header CRLF ...] [x-amz-trailer-signature:sig CRLF] CRLF
 * </pre>
 * Memory stays at one 8 KiB read buffer whatever the chunk size: chunk data passes through as it
 * arrives and is hashed on the way, and a chunk's signature is checked on the read that reaches
 * its end. A bad chunk therefore fails before the stream ends, and the caller discards what it
 * read (as it must for any failed upload).
 */
final class AwsChunkedDecoder extends InputStream {

    /** S3's minimum for every signed chunk but the last. */
    static final int MIN_SIGNED_CHUNK = 8192;
    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILERS = 16;
    private static final String SIGNATURE_EXT = "chunk-signature=";
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private enum State { HEADER, DATA, DONE }

    private final InputStream raw;
    private final ChunkSigner signer;
    private final boolean trailerExpected;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;

    private State state = State.HEADER;
    private long remaining;
    private long currentSize;
    private String currentSignature;
    private final MessageDigest chunkDigest;
    private long previousDataChunkSize = -1;
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private S3PayloadException failure;

    /**
     * @param signer          null for unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
     * @param trailerExpected whether trailing headers follow the final chunk
     */
    AwsChunkedDecoder(InputStream raw, ChunkSigner signer, boolean trailerExpected) {
        this.raw = raw;
        this.signer = signer;
        this.trailerExpected = trailerExpected;
        this.chunkDigest = signer == null ? null : Crypto.sha256();

    }

    /** The trailing headers (lower-case names), complete once the stream has ended. */
    Map<String, String> trailers() {
        return Collections.unmodifiableMap(trailers);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return 0;
        }
        try {
            while (true) {
                switch (state) {
                    case DONE:
                        return -1;
                    case HEADER:
                        readChunkHeader();
                        break;
                    case DATA:
                        if (pos == lim && !fill()) {
                            throw fail(S3ErrorCode.INCOMPLETE_BODY,
                                    "The aws-chunked body ended inside a chunk.");
                        }
                        int n = (int) Math.min(Math.min(len, remaining), lim - pos);
                        System.arraycopy(buf, pos, b, off, n);
                        if (chunkDigest != null) {
                            chunkDigest.update(buf, pos, n);
                        }
                        pos += n;
                        remaining -= n;
                        if (remaining == 0) {
                            // Verify now, so the bytes that complete a forged chunk never reach the caller.
                            endOfChunkData();
                        }
                        return n;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
        } catch (S3PayloadException e) {
            failure = e;
            throw e;
        }
    }

    private void readChunkHeader() throws IOException {
        String line = readLine("chunk header");
        int semi = line.indexOf(';');
        String sizeHex = (semi < 0 ? line : line.substring(0, semi)).trim();
        long size = parseSize(sizeHex);
        String signature = null;
        if (semi >= 0) {
            String ext = line.substring(semi + 1).trim();
            if (ext.startsWith(SIGNATURE_EXT)) {
                signature = ext.substring(SIGNATURE_EXT.length()).trim();
            }
        }
        if (signer != null) {
            if (signature == null) {
                throw fail(S3ErrorCode.INVALID_REQUEST, "A chunk of a signed aws-chunked body has no chunk-signature.");
            }
            if (size > 0 && previousDataChunkSize >= 0 && previousDataChunkSize < MIN_SIGNED_CHUNK) {
                throw fail(S3ErrorCode.INVALID_CHUNK_SIZE_ERROR, S3ErrorCode.INVALID_CHUNK_SIZE_ERROR.defaultMessage());
            }
        }
        currentSize = size;
        currentSignature = signature;
        remaining = size;
        if (size > 0) {
            previousDataChunkSize = size;
        }
        state = State.DATA;
        if (size == 0) {
            endOfChunkData();
        }
    }

    private void endOfChunkData() throws IOException {
        if (signer != null) {
            byte[] sha = chunkDigest.digest();
            if (!signer.verifyChunk(sha, currentSignature)) {
                throw fail(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, S3ErrorCode.SIGNATURE_DOES_NOT_MATCH.defaultMessage());
            }
        }
        if (currentSize == 0) {
            readEnd();
            state = State.DONE;
            return;
        }
        String crlf = readLine("chunk data terminator");
        if (!crlf.isEmpty()) {
            throw fail(S3ErrorCode.INVALID_REQUEST, "A chunk of the aws-chunked body is longer than its declared size.");
        }
        state = State.HEADER;
    }

    /** After the final chunk: the trailer (when expected) and the closing empty line. */
    private void readEnd() throws IOException {
        if (!trailerExpected) {
            // The closing CRLF; some clients end the stream right after the final chunk.
            String last = readLineOrEof();
            if (last != null && !last.isEmpty()) {
                throw fail(S3ErrorCode.INVALID_REQUEST, "Unexpected data after the final chunk of the aws-chunked body.");
            }
            return;
        }
        StringBuilder canonical = new StringBuilder();
        String trailerSignature = null;
        int count = 0;
        while (true) {
            String line = readLineOrEof();
            if (line == null || line.isEmpty()) {
                break;
            }
            if (++count > MAX_TRAILERS) {
                throw fail(S3ErrorCode.MALFORMED_TRAILER_ERROR, S3ErrorCode.MALFORMED_TRAILER_ERROR.defaultMessage());
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || trailerSignature != null) {
                throw fail(S3ErrorCode.MALFORMED_TRAILER_ERROR, S3ErrorCode.MALFORMED_TRAILER_ERROR.defaultMessage());
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals(TRAILER_SIGNATURE)) {
                trailerSignature = value;
            } else {
                trailers.put(name, value);
                canonical.append(name).append(':').append(value).append('\n');
            }
        }
        if (signer != null) {
            if (trailerSignature == null) {
                throw fail(S3ErrorCode.MALFORMED_TRAILER_ERROR, "The trailer of a signed aws-chunked body has no x-amz-trailer-signature.");
            }
            if (!signer.verifyTrailer(canonical.toString(), trailerSignature)) {
                throw fail(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, S3ErrorCode.SIGNATURE_DOES_NOT_MATCH.defaultMessage());
            }
        }
    }

    private long parseSize(String hex) throws S3PayloadException {
        if (hex.isEmpty() || hex.length() > 15) {
            throw fail(S3ErrorCode.INVALID_REQUEST, "Malformed chunk size in the aws-chunked body.");
        }
        long v = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw fail(S3ErrorCode.INVALID_REQUEST, "Malformed chunk size in the aws-chunked body.");
            }
            v = v << 4 | d;
        }
        return v;
    }

    private String readLine(String what) throws IOException {
        String line = readLineOrEof();
        if (line == null) {
            throw fail(S3ErrorCode.INCOMPLETE_BODY, "The aws-chunked body ended before its " + what + ".");
        }
        return line;
    }

    /** A line without its CRLF (a bare LF is tolerated), or null at a clean end of stream. */
    private String readLineOrEof() throws IOException {
        byte[] line = new byte[128];
        int n = 0;
        while (true) {
            if (pos == lim && !fill()) {
                if (n == 0) {
                    return null;
                }
                throw fail(S3ErrorCode.INCOMPLETE_BODY, "The aws-chunked body ended inside a line.");
            }
            byte c = buf[pos++];
            if (c == '\n') {
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (n == MAX_LINE) {
                throw fail(S3ErrorCode.INVALID_REQUEST, "A line of the aws-chunked body is too long.");
            }
            if (n == line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, n * 2));
            }
            line[n++] = c;
        }
    }

    private boolean fill() throws IOException {
        int n = raw.read(buf, 0, buf.length);
        while (n == 0) {
            n = raw.read(buf, 0, buf.length);
        }
        if (n < 0) {
            pos = lim = 0;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private S3PayloadException fail(S3ErrorCode code, String message) {
        failure = new S3PayloadException(code, message);
        return failure;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
