package io.needlestack.gateway.internal;

import io.needlestack.core.internal.InternalAuth;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.gateway.object.NeedleStorage;
import io.needlestack.gateway.object.PromisedHead;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreIOException;
import io.needlestack.storage.store.StoreStats;
import io.needlestack.storage.store.StoreUnavailableException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;

/**
 * {@link NeedleStorage} on one remote node's internal endpoint
 * ({@code http://host:internalPort}): every request signed with the cluster secret, request
 * bodies streamed from the caller's stream, data streamed back, nothing held whole in memory.
 *
 * <p>Failures are typed: the remote store's own failures come back as the same
 * {@link NeedleStoreException} subtypes ({@link StoreFullException},
 * {@link StoreUnavailableException}, {@link CorruptNeedleException}, {@link DataLengthException});
 * a node that cannot be reached or does not answer in time gives
 * {@link ReplicaUnavailableException} (retryable); a refused request (4xx) gives
 * {@link ReplicaRefusedException} (not retryable). A missing needle is an empty result, not a
 * failure. The client never retries by itself: the replicating layer decides.
 *
 * <p>Bounds: connecting is bounded by the {@link InternalHttp}'s connect timeout; every call is
 * bounded by the request timeout until the answer's headers arrive, and a PUT additionally by
 * one second per MiB of data (the body must be sent before the answer comes). Every read of an
 * answer's body (a data stream too) waits at most the request timeout for more bytes, so a peer
 * that stalls mid-stream makes the read fail instead of hanging.
 *
 * <p>Thread-safe; share one {@link InternalHttp} (see {@link #httpClient}) among the clients of a
 * node, so connections are pooled. A data stream from {@link #open} holds its connection until
 * it is read to the end (the connection goes back to the pool) or closed (a stream closed early
 * closes its connection, so no unread data is drained).
 */
public final class InternalNeedleClient implements NeedleStorage {

    private static final long BYTES_PER_EXTRA_SECOND = 1L << 20;

    private final URI endpoint;
    private final HttpHost host;
    private final InternalAuth signer;
    private final InternalHttp http;
    private final Duration requestTimeout;
    private final RequestConfig requestConfig;

    /**
     * A client of the node at {@code endpoint}.
     *
     * @param endpoint       the node's internal endpoint, e.g. {@code http://10.0.0.2:8180}
     * @param signer         signs requests; keyed with the cluster secret
     * @param http           the shared transport (see {@link #httpClient})
     * @param requestTimeout bound on each call until its answer's headers arrive, and on every wait for body bytes
     */
    public InternalNeedleClient(URI endpoint, InternalAuth signer, InternalHttp http, Duration requestTimeout) {
        String s = Objects.requireNonNull(endpoint, "endpoint").toString();
        this.endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.host = HttpHost.create(this.endpoint);
        this.signer = Objects.requireNonNull(signer, "signer");
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.requestConfig = InternalHttp.requestConfig(requestTimeout);
    }

    /** A transport with the given connect timeout, suited to the internal plane (close it when done). */
    public static InternalHttp httpClient(Duration connectTimeout) {
        return InternalHttp.create(connectTimeout);
    }

    /** The remote node's internal endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    // ---- NeedleStorage -----------------------------------------------------------------------------

    /**
     * Stores a needle on the remote node, streaming {@code data}; returns once the remote store
     * made it durable. The MD5 of the bytes sent is compared with the one the store computed.
     *
     * @throws DataLengthException         when {@code data} ends before {@code length} bytes
     * @throws ReplicaUnavailableException when the node cannot be reached, or the bytes arrived damaged
     */
    @Override
    public PutResult put(NeedleWrite write, InputStream data, long length, boolean keepOlderVersions) {
        if (length < 0) {
            throw new IllegalArgumentException("length < 0");
        }
        long bodyLength = write.tombstone() ? 0 : length;
        String target = InternalProtocol.target(InternalProtocol.NEEDLE,
                Map.of("w", InternalProtocol.encode(NeedleJson.write(write, keepOlderVersions))));
        SendingStream sending = new SendingStream(write.tombstone() ? InputStream.nullInputStream() : data, bodyLength);
        // Always an entity, so even a tombstone says "Content-Length: 0".
        HttpEntity body = bodyLength == 0 ? new ByteArrayEntity(new byte[0], null)
                : new InputStreamEntity(sending, bodyLength, ContentType.APPLICATION_OCTET_STREAM);
        Duration timeout = requestTimeout.plusSeconds(bodyLength / BYTES_PER_EXTRA_SECOND);
        PutResult result;
        try (Answer r = send("PUT", target, body, timeout)) {
            if (r.getCode() != 200) {
                throw failure(r);
            }
            result = NeedleJson.readPutResult(bodyOf(r));
        } catch (ReplicaUnavailableException e) {
            if (sending.endedEarly) {
                throw new DataLengthException("data ended after " + sending.count + " of " + bodyLength + " bytes");
            }
            throw e;
        }
        NeedleRecord rec = result.record();
        if (!write.tombstone() && result.applied() && rec.hlc() == write.hlc()
                && rec.versionId().equals(write.versionId()) && !sending.md5Hex().equals(rec.md5Hex())) {
            throw new ReplicaUnavailableException(endpoint + ": data damaged in transit (MD5 sent "
                    + sending.md5Hex() + ", stored " + rec.md5Hex() + ")", null);
        }
        return result;
    }

    /** Appends a tombstone on the remote node (a delete). */
    public PutResult delete(NeedleKey key, long hlc, String versionId, boolean keepOlderVersions) {
        return put(new NeedleWrite(key, hlc, versionId, true, null), InputStream.nullInputStream(), 0,
                keepOlderVersions);
    }

    @Override
    public Optional<NeedleRecord> head(NeedleKey key) {
        return fetchRecord(InternalProtocol.RECORD, key, null).map(NeedleJson::readRecord);
    }

    /** The newest version, asking the remote node for a call-back promise (see {@code CacheCoherence}). */
    @Override
    public PromisedHead headPromised(NeedleKey key, HeadPromise promise) {
        if (promise == null) {
            return PromisedHead.unpromised(head(key));
        }
        Map<String, String> p = InternalProtocol.keyParams(key);
        p.put("holder", InternalProtocol.encode(promise.holderId()));
        p.put("callback", InternalProtocol.encode(promise.endpoint()));
        boolean[] promised = new boolean[1];
        Optional<NeedleRecord> record = fetch(InternalProtocol.RECORD, p,
                r -> promised[0] = r.containsHeader(InternalProtocol.PROMISED_HEADER)).map(NeedleJson::readRecord);
        return new PromisedHead(record, promised[0]);
    }

    /** One given version's record on the remote node. */
    public Optional<NeedleRecord> head(NeedleKey key, String versionId) {
        return fetchRecord(InternalProtocol.RECORD, key, Objects.requireNonNull(versionId))
                .map(NeedleJson::readRecord);
    }

    /** Version and checksums of the newest version on the remote node, no data (digest reads). */
    public Optional<NeedleDigest> digest(NeedleKey key) {
        return fetchRecord(InternalProtocol.DIGEST, key, null).map(NeedleJson::readDigest);
    }

    /** Version and checksums of one version on the remote node. */
    public Optional<NeedleDigest> digest(NeedleKey key, String versionId) {
        return fetchRecord(InternalProtocol.DIGEST, key, Objects.requireNonNull(versionId))
                .map(NeedleJson::readDigest);
    }

    /**
     * Streams part of a version's data from the remote node. The remote node finds the version
     * by key and version id, so the record may come from another replica.
     *
     * @throws ReplicaRefusedException with status 404 when the node does not hold that version,
     *                                 416 when the range is outside the data
     */
    @Override
    public InputStream open(NeedleRecord record, long from, long length) {
        Map<String, String> p = InternalProtocol.keyParams(record.key());
        p.put("version", InternalProtocol.encode(record.versionId()));
        p.put("from", Long.toString(from));
        p.put("length", Long.toString(length));
        String target = InternalProtocol.target(InternalProtocol.DATA, p);
        Answer r = send("GET", target, null, requestTimeout);
        if (r.getCode() != 200) {
            try (r) {
                throw failure(r);
            }
        }
        try {
            return new ReceivingStream(r.response, length, endpoint);
        } catch (IOException e) {
            r.close();
            throw new ReplicaUnavailableException(endpoint + ": data stream failed: " + e, e);
        }
    }

    @Override
    public List<NeedleRecord> list(NeedleKind kind, String bucket, String prefix, String startAfter, int limit,
                                   boolean includeTombstones) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kind", kind.name());
        p.put("bucket", InternalProtocol.encode(bucket));
        if (prefix != null && !prefix.isEmpty()) {
            p.put("prefix", InternalProtocol.encode(prefix));
        }
        if (startAfter != null) {
            p.put("startAfter", InternalProtocol.encode(startAfter));
        }
        p.put("limit", Integer.toString(limit));
        if (includeTombstones) {
            p.put("tombstones", "true");
        }
        String target = InternalProtocol.target(InternalProtocol.LIST, p);
        try (Answer r = send("GET", target, null, requestTimeout)) {
            if (r.getCode() != 200) {
                throw failure(r);
            }
            return NeedleJson.readList(bodyOf(r));
        }
    }

    /**
     * Asks the remote node to purge a tombstone every replica holds (see {@code TombstonePurger}).
     *
     * @return whether the remote node now holds nothing for the key, or a newer version
     */
    public boolean purge(NeedleKey key, long hlc, String versionId) {
        Map<String, String> p = InternalProtocol.keyParams(key);
        p.put("hlc", Long.toString(hlc));
        p.put("version", InternalProtocol.encode(versionId));
        String target = InternalProtocol.target(InternalProtocol.PURGE, p);
        try (Answer r = send("POST", target, null, requestTimeout)) {
            if (r.getCode() != 200) {
                throw failure(r);
            }
            return bodyOf(r).replace(" ", "").contains("\"gone\":true");
        }
    }

    /** The remote store's counters. */
    public StoreStats stats() {
        String target = InternalProtocol.target(InternalProtocol.STATS, Map.of());
        try (Answer r = send("GET", target, null, requestTimeout)) {
            if (r.getCode() != 200) {
                throw failure(r);
            }
            return NeedleJson.readStats(bodyOf(r));
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    private Optional<String> fetchRecord(String operation, NeedleKey key, String versionId) {
        Map<String, String> p = InternalProtocol.keyParams(key);
        if (versionId != null) {
            p.put("version", InternalProtocol.encode(versionId));
        }
        return fetch(operation, p, r -> { });
    }

    /** The body of a 200, empty for a "no such needle" 404; {@code seen} looks at the answer first. */
    private Optional<String> fetch(String operation, Map<String, String> params, Consumer<Answer> seen) {
        String target = InternalProtocol.target(operation, params);
        try (Answer r = send("GET", target, null, requestTimeout)) {
            seen.accept(r);
            if (r.getCode() == 200) {
                return Optional.of(bodyOf(r));
            }
            if (r.getCode() == 404 && r.containsHeader(InternalProtocol.ABSENT_HEADER)) {
                bodyOf(r);
                return Optional.empty();
            }
            throw failure(r);
        }
    }

    /** Sends a request; the answer's body is the caller's to read and close. */
    private Answer send(String method, String target, HttpEntity body, Duration timeout) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(endpoint + target));
        request.setConfig(requestConfig);
        signer.sign(method, target).forEach(request::addHeader);
        if (body != null) {
            request.setEntity(body);
        }
        try {
            return new Answer(http.open(host, request, timeout));
        } catch (IOException e) {
            // Refused or reset connections, timeouts, a cancelled request: all retryable.
            throw new ReplicaUnavailableException(endpoint + ": " + method + " " + target.substring(0,
                    Math.min(target.length(), 120)) + ": " + e, e);
        }
    }

    private String bodyOf(Answer r) {
        HttpEntity entity = r.getEntity();
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReplicaUnavailableException(endpoint + ": answer cut off: " + e, e);
        }
    }

    private NeedleStoreException failure(Answer r) {
        int status = r.getCode();
        String[] err = NeedleJson.readError(bodyOfQuietly(r));
        String code = err[0];
        String message = endpoint + " answered " + status + " " + code + ": " + err[1];
        switch (code) {
            case "StoreFullException":
                return new StoreFullException(message);
            case "StoreUnavailableException":
                return new StoreUnavailableException(message);
            case "CorruptNeedleException":
                return new CorruptNeedleException(message);
            case "DataLengthException":
                return new DataLengthException(message);
            case "StoreIOException":
                return new StoreIOException(message);
            default:
                break;
        }
        if (status >= 400 && status < 500) {
            return new ReplicaRefusedException(status, code, message);
        }
        return new ReplicaUnavailableException(message, null);
    }

    private static String bodyOfQuietly(Answer r) {
        HttpEntity entity = r.getEntity();
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** An answer whose headers arrived; closing it never throws (its connection is discarded then). */
    private static final class Answer implements AutoCloseable {
        final ClassicHttpResponse response;

        Answer(ClassicHttpResponse response) {
            this.response = response;
        }

        int getCode() {
            return response.getCode();
        }

        boolean containsHeader(String name) {
            return response.containsHeader(name);
        }

        HttpEntity getEntity() {
            return response.getEntity();
        }

        @Override
        public void close() {
            try {
                response.close();
            } catch (IOException e) {
                // Only the connection is lost, and it is not reused.
            }
        }
    }

    @Override
    public String toString() {
        return "InternalNeedleClient[" + endpoint + "]";
    }

    /** The caller's data on its way out: counted, hashed, and never read beyond {@code length}. */
    private static final class SendingStream extends FilterInputStream {
        private final long length;
        private final MessageDigest md5;
        private long count;
        private volatile boolean endedEarly;

        SendingStream(InputStream in, long length) {
            super(in);
            this.length = length;
            try {
                this.md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 unavailable", e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (count >= length) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, length - count));
            if (n < 0) {
                // Failing the write aborts the request; an end of stream here would leave the peer
                // waiting for the bytes the Content-Length promised.
                endedEarly = true;
                throw new IOException("data ended after " + count + " of " + length + " bytes");
            }
            md5.update(b, off, n);
            count += n;
            return n;
        }

        String md5Hex() {
            return HexFormat.of().formatHex(md5.digest());
        }
    }

    /**
     * Data on its way in: a peer that closes before {@code length} bytes is an error, not an EOF.
     * Closing it closes the answer: a stream read to its end has already given its connection
     * back to the pool, one closed early takes its connection with it.
     */
    private static final class ReceivingStream extends FilterInputStream {
        private final ClassicHttpResponse response;
        private final long length;
        private final URI from;
        private long count;

        ReceivingStream(ClassicHttpResponse response, long length, URI from) throws IOException {
            super(response.getEntity() == null ? InputStream.nullInputStream() : response.getEntity().getContent());
            this.response = response;
            this.length = length;
            this.from = from;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                checkComplete();
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                checkComplete();
            } else {
                count += n;
            }
            return n;
        }

        private void checkComplete() throws IOException {
            if (count != length) {
                throw new IOException(from + ": data stream ended after " + count + " of " + length + " bytes");
            }
        }

        @Override
        public void close() throws IOException {
            if (count < length && response instanceof ModalCloseable m) {
                // Closed early: drop the connection rather than read out what is left (a graceful
                // close drains the body so the connection can be reused).
                m.close(CloseMode.IMMEDIATE);
            } else {
                response.close();
            }
        }
    }
}
