package io.needlestack.gateway.internal;

import io.needlestack.gateway.cluster.tombstone.TombstonePurger;
import io.needlestack.gateway.node.ConnectionAbort;
import io.needlestack.gateway.object.BodyBuffers;
import io.needlestack.gateway.object.HeadPromise;
import io.needlestack.gateway.object.cache.CacheCoherence;
import io.needlestack.storage.service.StorageService;
import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.DataLengthException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreFullException;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.ejb.EJBException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's needle store for other nodes: the needle requests under {@code /_internal/v1}
 * (listed in the package documentation), served by {@link InternalPlaneFilter} after it checked
 * the port and the HMAC.
 *
 * <p>Served at the servlet level rather than by JAX-RS: every replicated write makes one such
 * request on each other replica, and Jersey's matching, injection and entity writing were a fifth
 * of a replica node's CPU under 4 KiB PUTs (async-profiler). The requests are few and fixed, the
 * parameters URL-safe by construction (base64url, numbers, enum names), and the answers small
 * JSON or a byte range, so nothing here needs what JAX-RS adds.
 *
 * <p>Stateless and thread-safe.
 */
final class InternalNeedleEndpoint {

    private static final Logger LOG = Logger.getLogger(InternalNeedleEndpoint.class.getName());
    private static final String JSON = "application/json";
    private static final int MAX_LIST = 10_000;
    private static final String PREFIX = InternalProtocol.BASE + "/";

    private final StorageService storage;
    private final Supplier<TombstonePurger> purger;
    private final Supplier<CacheCoherence> coherence;

    InternalNeedleEndpoint(StorageService storage, Supplier<TombstonePurger> purger,
                           Supplier<CacheCoherence> coherence) {
        this.storage = storage;
        this.purger = purger;
        this.coherence = coherence;
    }

    /**
     * Answers {@code request} when its path is one of the needle requests.
     *
     * @param path the request path without the context path
     * @return false when the path is not a needle request (the caller passes it on)
     */
    boolean serve(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        String operation = path.substring(PREFIX.length());
        String method = request.getMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        Reply reply;
        switch (operation) {
            case InternalProtocol.NEEDLE -> reply = method.equals("PUT") ? put(request) : notAllowed("PUT");
            case InternalProtocol.RECORD -> reply = get ? record(query(request)) : notAllowed("GET, HEAD");
            case InternalProtocol.DIGEST -> reply = get ? digest(query(request)) : notAllowed("GET, HEAD");
            case InternalProtocol.DATA -> reply = get ? data(query(request)) : notAllowed("GET, HEAD");
            case InternalProtocol.LIST -> reply = get ? list(query(request)) : notAllowed("GET, HEAD");
            case InternalProtocol.STATS -> reply = get ? stats() : notAllowed("GET, HEAD");
            case InternalProtocol.PURGE -> reply = method.equals("POST") ? purge(query(request)) : notAllowed("POST");
            case InternalProtocol.INVALIDATE -> reply = method.equals("POST") ? invalidate(request.getQueryString())
                    : notAllowed("POST");
            default -> {
                return false;
            }
        }
        reply.send(response, method.equals("HEAD"));
        return true;
    }

    // ---- requests ----------------------------------------------------------------------------------

    private Reply put(HttpServletRequest request) {
        Map<String, String> q = query(request);
        return answer(() -> {
            require(q, "w");
            String w = q.get("w");
            long length = request.getContentLengthLong();
            if (length < 0) {
                return error(411, "LengthRequired", "Content-Length is required", false);
            }
            NeedleJson.WriteRequest req = NeedleJson.readWrite(InternalProtocol.decode(w));
            if (req.write().tombstone() && length != 0) {
                throw new IllegalArgumentException("a tombstone has no data");
            }
            InputStream body;
            try {
                body = request.getInputStream();
            } catch (IOException e) {
                throw new StoreUnavailableException("request body unreadable: " + e);
            }
            PutResult result;
            try {
                result = storage.put(req.write(), body, length, req.keepOlderVersions());
            } finally {
                // Before the coordinator hears of the write: gateways that keep the key drop it.
                coherence.get().written(req.write().key());
            }
            return json(200, NeedleJson.putResult(result));
        });
    }

    private Reply record(Map<String, String> q) {
        return answer(() -> {
            // A promise is registered before the index is read (see CacheCoherence).
            boolean promised = q.containsKey("holder") && q.containsKey("callback") && q.get("version") == null
                    && coherence.get().promised(InternalProtocol.key(q.get("kind"), q.get("bucket"), q.get("name")),
                    new HeadPromise(InternalProtocol.decode(q.get("holder")), InternalProtocol.decode(q.get("callback"))));
            Reply r = find(q).map(x -> json(200, NeedleJson.record(x))).orElseGet(InternalNeedleEndpoint::absent);
            return promised ? r.with(InternalProtocol.PROMISED_HEADER, "true") : r;
        });
    }

    /** A replica's call-back: this gateway drops the keys it keeps (see CacheCoherence). */
    private Reply invalidate(String query) {
        return answer(() -> {
            List<NeedleKey> keys = InternalProtocol.invalidationKeys(query);
            coherence.get().drop(keys);
            return json(200, "{\"dropped\":" + keys.size() + "}");
        });
    }

    private Reply digest(Map<String, String> q) {
        return answer(() -> find(q).map(r -> json(200, NeedleJson.digest(NeedleDigest.of(r))))
                .orElseGet(InternalNeedleEndpoint::absent));
    }

    private Reply data(Map<String, String> q) {
        return answer(() -> {
            require(q, "version");
            Optional<NeedleRecord> found = find(q);
            if (found.isEmpty()) {
                return absent();
            }
            NeedleRecord r = found.get();
            long from = q.get("from") == null ? 0 : Long.parseLong(q.get("from"));
            long length = q.get("length") == null ? r.dataLength() - from : Long.parseLong(q.get("length"));
            if (from < 0 || length < 0 || from > r.dataLength() || length > r.dataLength() - from) {
                return error(416, "InvalidRange", "range " + from + "+" + length + " outside " + r.dataLength()
                        + " bytes", false);
            }
            // Opened before the status is sent, so a corrupt or vanished needle still gets its own.
            return new Reply(200, "application/octet-stream", null, null, storage.openData(r, from, length), length);
        });
    }

    private Reply list(Map<String, String> q) {
        return answer(() -> {
            require(q, "kind", "bucket");
            String kind = q.get("kind");
            String bucket = q.get("bucket");
            int limit = q.get("limit") == null ? 1000 : Integer.parseInt(q.get("limit"));
            if (limit < 0 || limit > MAX_LIST) {
                throw new IllegalArgumentException("limit must be 0.." + MAX_LIST);
            }
            String prefix = q.get("prefix");
            String startAfter = q.get("startAfter");
            List<NeedleRecord> records = storage.list(InternalProtocol.kind(kind), InternalProtocol.decode(bucket),
                    prefix == null ? "" : InternalProtocol.decode(prefix),
                    startAfter == null ? null : InternalProtocol.decode(startAfter), limit,
                    Boolean.parseBoolean(q.get("tombstones")));
            return json(200, NeedleJson.list(records));
        });
    }

    private Reply stats() {
        return answer(() -> json(200, NeedleJson.stats(storage.stats())));
    }

    /**
     * Purges a tombstone that the asking node found on every replica (see {@code TombstonePurger}):
     * answers {@code {"gone":true}} when this node now holds nothing for the key or something newer.
     */
    private Reply purge(Map<String, String> q) {
        return answer(() -> {
            require(q, "hlc", "version");
            String hlc = q.get("hlc");
            String version = q.get("version");
            boolean gone = purger.get().purgeHere(InternalProtocol.key(q.get("kind"), q.get("bucket"), q.get("name")),
                    Long.parseLong(hlc), InternalProtocol.decode(version));
            return json(200, "{\"gone\":" + gone + "}");
        });
    }

    private Optional<NeedleRecord> find(Map<String, String> q) {
        NeedleKey key = InternalProtocol.key(q.get("kind"), q.get("bucket"), q.get("name"));
        String version = q.get("version");
        return version == null ? storage.head(key) : storage.head(key, InternalProtocol.decode(version));
    }

    /** @throws IllegalArgumentException naming them all when any of {@code names} is missing (a 400) */
    private static void require(Map<String, String> q, String... names) {
        for (String name : names) {
            if (!q.containsKey(name)) {
                throw new IllegalArgumentException(String.join(" and ", names)
                        + (names.length == 1 ? " is required" : " are required"));
            }
        }
    }

    /**
     * The query's parameters, as sent: the client sends only URL-safe values (and signs them as
     * they are), so there is nothing to percent-decode. Parsed from the query string rather than
     * with {@code getParameter}, which may read a request body as a form.
     */
    static Map<String, String> query(HttpServletRequest request) {
        Map<String, String> params = new HashMap<>();
        String q = request.getQueryString();
        if (q == null || q.isEmpty()) {
            return params;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            // The first value wins, as with JAX-RS's @QueryParam.
            params.putIfAbsent(name, eq < 0 ? "" : pair.substring(eq + 1));
        }
        return params;
    }

    // ---- answers -----------------------------------------------------------------------------------

    /** A status with a JSON body, or a byte stream of a known length. */
    private record Reply(int status, String contentType, Map<String, String> headers, String json,
                         InputStream data, long dataLength) {

        /** The same reply with one more header. */
        Reply with(String name, String value) {
            Map<String, String> h = headers == null ? new HashMap<>() : new HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, contentType, h, json, data, dataLength);
        }

        void send(HttpServletResponse response, boolean headOnly) throws IOException {
            response.setStatus(status);
            response.setContentType(contentType);
            if (headers != null) {
                headers.forEach(response::setHeader);
            }
            if (data != null) {
                try (InputStream in = data) {
                    response.setContentLengthLong(dataLength);
                    if (!headOnly) {
                        try {
                            BodyBuffers.copy(in, response.getOutputStream(), dataLength);
                        } catch (IOException | RuntimeException e) {
                            // The coordinator must see the data end short now, not wait out its timeout.
                            ConnectionAbort.abort(response);
                            throw e;
                        }
                    }
                }
                return;
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            if (!headOnly) {
                response.getOutputStream().write(body);
            }
        }
    }

    private static Reply json(int status, String body) {
        return new Reply(status, JSON, null, body, null, 0);
    }

    private static Reply absent() {
        return new Reply(404, JSON, Map.of(InternalProtocol.ABSENT_HEADER, "true", InternalProtocol.RETRYABLE_HEADER,
                "false"), NeedleJson.error("NoSuchNeedle", "no such needle or version", false), null, 0);
    }

    private static Reply error(int status, String code, String message, boolean retryable) {
        return new Reply(status, JSON, Map.of(InternalProtocol.RETRYABLE_HEADER, Boolean.toString(retryable)),
                NeedleJson.error(code, message, retryable), null, 0);
    }

    private static Reply notAllowed(String allowed) {
        return new Reply(405, JSON, Map.of("Allow", allowed, InternalProtocol.RETRYABLE_HEADER, "false"),
                NeedleJson.error("MethodNotAllowed", "allowed: " + allowed, false), null, 0);
    }

    /** Runs a request, turning failures into their status: the store's types keep their names. */
    private static Reply answer(Supplier<Reply> call) {
        try {
            return call.get();
        } catch (EJBException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof NeedleStoreException nse) {
                return storeError(nse);
            }
            if (c instanceof IllegalArgumentException iae) {
                return error(400, "BadRequest", iae.getMessage(), false);
            }
            LOG.log(Level.WARNING, "internal request failed", c);
            return error(500, "InternalError", String.valueOf(c), true);
        } catch (NeedleStoreException e) {
            return storeError(e);
        } catch (IllegalArgumentException e) {
            // Also a malformed number or base64 value in the query.
            return error(400, "BadRequest", e.getMessage(), false);
        }
    }

    private static Reply storeError(NeedleStoreException e) {
        int status;
        if (e instanceof StoreFullException) {
            status = 507;
        } else if (e instanceof StoreUnavailableException) {
            status = 503;
        } else if (e instanceof DataLengthException) {
            status = 400;
        } else if (e instanceof CorruptNeedleException) {
            status = 500;
        } else {
            status = e.retryable() ? 503 : 500;
        }
        if (status >= 500) {
            LOG.log(Level.WARNING, "internal request failed in the store", e);
        }
        return error(status, e.getClass().getSimpleName(), e.getMessage(), e.retryable());
    }
}
