package io.needlestack.gateway.internal;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import io.needlestack.storage.store.NeedleWrite;
import io.needlestack.storage.store.PutResult;
import io.needlestack.storage.store.StoreStats;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON forms of the internal data plane (protocol version 1), one codec for both sides.
 *
 * <pre>
 * key:     {"kind":"OBJECT","bucket":"..","name":".."}
 * write:   key fields + {"hlc":1,"versionId":"..","tombstone":false,"metadata":{"k":"v"},
 *                        "keepOlderVersions":false}
 * record:  key fields + {"hlc","versionId","tombstone","metadata","dataLength","md5","crc32c",
 *                        "containerId","offset","needleLength"}
 * put:     {"record":record,"applied":true,"superseded":[record,..]}
 * digest:  {"hlc","versionId","tombstone","dataLength","md5","crc32c"}
 * list:    {"records":[record,..]}
 * stats:   {"puts","fsyncs","bytesWritten","containers","liveBytes","freeBytes","writable"}
 * error:   {"code":"StoreFullException","message":"..","retryable":true}
 * </pre>
 * Numbers are JSON integers read back exactly (an HLC needs all 64 bits). Decoding throws
 * {@link IllegalArgumentException} on anything malformed.
 */
public final class NeedleJson {

    /** Looked up once: {@code Json.create*} finds the provider through the service loader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private NeedleJson() {
    }

    /** A write and its {@code keepOlderVersions} flag, as the PUT request carries them. */
    public record WriteRequest(NeedleWrite write, boolean keepOlderVersions) {
    }

    /** The JSON of a write request. */
    public static String write(NeedleWrite w, boolean keepOlderVersions) {
        return key(JSON.createObjectBuilder(), w.key())
                .add("hlc", w.hlc())
                .add("versionId", w.versionId())
                .add("tombstone", w.tombstone())
                .add("metadata", metadata(w.metadata()))
                .add("keepOlderVersions", keepOlderVersions)
                .build().toString();
    }

    /** A write request from its JSON. */
    public static WriteRequest readWrite(String json) {
        JsonObject o = parse(json);
        try {
            NeedleWrite w = new NeedleWrite(key(o), o.getJsonNumber("hlc").longValueExact(), o.getString("versionId"),
                    o.getBoolean("tombstone"), metadata(o.getJsonObject("metadata")));
            return new WriteRequest(w, o.getBoolean("keepOlderVersions", false));
        } catch (RuntimeException e) {
            throw malformed("write", e);
        }
    }

    /** The JSON of a record. */
    public static String record(NeedleRecord r) {
        return recordObject(r).toString();
    }

    /** A record from its JSON. */
    public static NeedleRecord readRecord(String json) {
        return record(parse(json));
    }

    /** The JSON of a put result. */
    public static String putResult(PutResult p) {
        JsonArrayBuilder sup = JSON.createArrayBuilder();
        p.superseded().forEach(r -> sup.add(recordObject(r)));
        return JSON.createObjectBuilder()
                .add("record", recordObject(p.record()))
                .add("applied", p.applied())
                .add("superseded", sup)
                .build().toString();
    }

    /** A put result from its JSON. */
    public static PutResult readPutResult(String json) {
        JsonObject o = parse(json);
        try {
            return new PutResult(record(o.getJsonObject("record")), o.getBoolean("applied"),
                    records(o.getJsonArray("superseded")));
        } catch (RuntimeException e) {
            throw malformed("put result", e);
        }
    }

    /** The JSON of a listing. */
    public static String list(List<NeedleRecord> records) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        records.forEach(r -> a.add(recordObject(r)));
        return JSON.createObjectBuilder().add("records", a).build().toString();
    }

    /** A listing from its JSON. */
    public static List<NeedleRecord> readList(String json) {
        try {
            return records(parse(json).getJsonArray("records"));
        } catch (RuntimeException e) {
            throw malformed("list", e);
        }
    }

    /** The JSON of a digest. */
    public static String digest(NeedleDigest d) {
        return JSON.createObjectBuilder()
                .add("hlc", d.hlc())
                .add("versionId", d.versionId())
                .add("tombstone", d.tombstone())
                .add("dataLength", d.dataLength())
                .add("md5", d.md5Hex() == null ? "" : d.md5Hex())
                .add("crc32c", d.crc32c())
                .build().toString();
    }

    /** A digest from its JSON. */
    public static NeedleDigest readDigest(String json) {
        JsonObject o = parse(json);
        try {
            return new NeedleDigest(o.getJsonNumber("hlc").longValueExact(), o.getString("versionId"),
                    o.getBoolean("tombstone"), o.getJsonNumber("dataLength").longValueExact(), o.getString("md5"),
                    o.getInt("crc32c"));
        } catch (RuntimeException e) {
            throw malformed("digest", e);
        }
    }

    /** The JSON of store statistics. */
    public static String stats(StoreStats s) {
        return JSON.createObjectBuilder()
                .add("puts", s.puts())
                .add("fsyncs", s.fsyncs())
                .add("bytesWritten", s.bytesWritten())
                .add("containers", s.containers())
                .add("liveBytes", s.liveBytes())
                .add("freeBytes", s.freeBytes())
                .add("writable", s.writable())
                .build().toString();
    }

    /** Store statistics from their JSON. */
    public static StoreStats readStats(String json) {
        JsonObject o = parse(json);
        try {
            return new StoreStats(o.getJsonNumber("puts").longValueExact(), o.getJsonNumber("fsyncs").longValueExact(),
                    o.getJsonNumber("bytesWritten").longValueExact(), o.getInt("containers"),
                    o.getJsonNumber("liveBytes").longValueExact(), o.getJsonNumber("freeBytes").longValueExact(),
                    o.getBoolean("writable"));
        } catch (RuntimeException e) {
            throw malformed("stats", e);
        }
    }

    /** The JSON of a failure. */
    public static String error(String code, String message, boolean retryable) {
        return JSON.createObjectBuilder()
                .add("code", code)
                .add("message", message == null ? "" : message)
                .add("retryable", retryable)
                .build().toString();
    }

    /** The code and message of a failure body; lenient, since a proxy may have answered instead. */
    static String[] readError(String json) {
        try {
            JsonObject o = parse(json);
            return new String[] {o.getString("code", ""), o.getString("message", "")};
        } catch (IllegalArgumentException e) {
            return new String[] {"", json.length() > 200 ? json.substring(0, 200) : json};
        }
    }

    // ---- pieces ----------------------------------------------------------------------------------

    private static JsonObjectBuilder key(JsonObjectBuilder b, NeedleKey k) {
        return b.add("kind", k.kind().name()).add("bucket", k.bucket()).add("name", k.name());
    }

    private static NeedleKey key(JsonObject o) {
        return new NeedleKey(InternalProtocol.kind(o.getString("kind")), o.getString("bucket"), o.getString("name"));
    }

    private static JsonObject recordObject(NeedleRecord r) {
        return key(JSON.createObjectBuilder(), r.key())
                .add("hlc", r.hlc())
                .add("versionId", r.versionId())
                .add("tombstone", r.tombstone())
                .add("metadata", metadata(r.metadata()))
                .add("dataLength", r.dataLength())
                .add("md5", r.md5Hex() == null ? "" : r.md5Hex())
                .add("crc32c", r.crc32c())
                .add("containerId", r.containerId())
                .add("offset", r.offset())
                .add("needleLength", r.needleLength())
                .build();
    }

    private static NeedleRecord record(JsonObject o) {
        try {
            return new NeedleRecord(key(o), o.getJsonNumber("hlc").longValueExact(), o.getString("versionId"),
                    o.getBoolean("tombstone"), metadata(o.getJsonObject("metadata")),
                    o.getJsonNumber("dataLength").longValueExact(), o.getString("md5"), o.getInt("crc32c"),
                    o.getInt("containerId"), o.getJsonNumber("offset").longValueExact(),
                    o.getJsonNumber("needleLength").longValueExact());
        } catch (RuntimeException e) {
            throw malformed("record", e);
        }
    }

    private static List<NeedleRecord> records(JsonArray a) {
        List<NeedleRecord> out = new ArrayList<>(a.size());
        for (JsonValue v : a) {
            out.add(record(v.asJsonObject()));
        }
        return out;
    }

    private static JsonObjectBuilder metadata(Map<String, String> m) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        m.forEach(b::add);
        return b;
    }

    private static Map<String, String> metadata(JsonObject o) {
        Map<String, String> m = new LinkedHashMap<>();
        if (o != null) {
            o.forEach((k, v) -> m.put(k, ((JsonString) v).getString()));
        }
        return m;
    }

    private static JsonObject parse(String json) {
        try (JsonReader r = JSON.createReader(new StringReader(json))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException malformed(String what, RuntimeException e) {
        return e instanceof IllegalArgumentException iae && iae.getMessage() != null
                && iae.getMessage().startsWith("malformed") ? iae
                : new IllegalArgumentException("malformed " + what + " JSON: " + e, e);
    }
}
