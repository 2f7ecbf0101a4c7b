package io.needlestack.gateway.recovery;

import io.needlestack.core.internal.InternalAuth;
import io.needlestack.gateway.internal.InternalProtocol;
import io.needlestack.gateway.internal.ReplicaUnavailableException;
import io.needlestack.storage.store.NeedleRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.BitSet;

/**
 * The recovery requests to one peer's internal endpoint, signed with the cluster secret like
 * every internal request. A peer that cannot be reached, or answers anything but 200, gives
 * {@link ReplicaUnavailableException} with its answer.
 */
final class RecoveryClient {

    private static final String BASE = InternalProtocol.BASE + "/recovery/";

    private final URI endpoint;
    private final InternalAuth signer;
    private final HttpClient http;
    private final Duration timeout;

    RecoveryClient(URI endpoint, InternalAuth signer, HttpClient http, Duration timeout) {
        String s = endpoint.toString();
        this.endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.signer = signer;
        this.http = http;
        this.timeout = timeout;
    }

    /** The peer's digests of what it holds with {@code self} as a fellow replica. */
    SegmentDigests digests(String self, String ring) {
        return RecoveryJson.readDigests(get("digests?peer=" + InternalProtocol.encode(self) + "&ring=" + ring));
    }

    /** One page of the peer's holdings shared with {@code self} in the given sub-ranges. */
    RecoveryJson.EntryPage entries(String self, String ring, BitSet segments, NeedleRecord after, int limit) {
        String q = "entries?peer=" + InternalProtocol.encode(self) + "&ring=" + ring + "&segments="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(segments.toByteArray())
                + (after == null ? "" : "&after=" + InternalProtocol.encode(RecoveryJson.cursorJson(after)))
                + "&limit=" + limit;
        return RecoveryJson.readEntries(get(q));
    }

    private String get(String pathAndQuery) {
        String target = BASE + pathAndQuery;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + target)).timeout(timeout).GET();
        signer.sign("GET", target).forEach(b::header);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ReplicaUnavailableException(endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaUnavailableException(endpoint + ": interrupted", e);
        }
        if (r.statusCode() != 200) {
            throw new ReplicaUnavailableException(endpoint + " answered " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(300, r.body().length())), null);
        }
        return r.body();
    }
}
