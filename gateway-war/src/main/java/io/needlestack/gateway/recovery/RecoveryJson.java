package io.needlestack.gateway.recovery;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleRecord;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** The JSON of the recovery requests (see the package documentation), one codec for both sides. */
final class RecoveryJson {

    private RecoveryJson() {
    }

    /** One page of a peer's holdings and where to go on (null: the walk ended). */
    record EntryPage(List<Holding> entries, NeedleRecord next) {
    }

    static String digests(String ring, SegmentDigests d) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (int s = 0; s < SegmentDigests.SEGMENTS; s++) {
            if (d.count(s) > 0) {
                a.add(Json.createArrayBuilder().add(s).add(d.count(s))
                        .add(String.format("%016x%016x", d.hi(s), d.lo(s))));
            }
        }
        return Json.createObjectBuilder().add("ring", ring).add("segments", a).build().toString();
    }

    static SegmentDigests readDigests(String json) {
        SegmentDigests d = new SegmentDigests();
        try {
            for (JsonValue v : parse(json).getJsonArray("segments")) {
                JsonArray e = v.asJsonArray();
                String hex = e.getString(2);
                d.set(e.getInt(0), e.getInt(1), Long.parseUnsignedLong(hex.substring(0, 16), 16),
                        Long.parseUnsignedLong(hex.substring(16), 16));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed digests: " + e.getMessage(), e);
        }
        return d;
    }

    static String entries(List<Holding> entries, NeedleRecord next) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        entries.forEach(h -> a.add(key(Json.createObjectBuilder(), h.key()).add("hlc", h.hlc())
                .add("versionId", h.versionId()).add("tombstone", h.tombstone())));
        JsonObjectBuilder o = Json.createObjectBuilder().add("entries", a);
        if (next == null) {
            o.addNull("next");
        } else {
            o.add("next", key(Json.createObjectBuilder(), next.key()).add("hlc", next.hlc())
                    .add("versionId", next.versionId()));
        }
        return o.build().toString();
    }

    static EntryPage readEntries(String json) {
        try {
            JsonObject o = parse(json);
            List<Holding> out = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("entries")) {
                JsonObject e = v.asJsonObject();
                out.add(new Holding(key(e), e.getJsonNumber("hlc").longValueExact(), e.getString("versionId"),
                        e.getBoolean("tombstone")));
            }
            NeedleRecord next = null;
            if (o.get("next") != null && o.get("next").getValueType() == JsonValue.ValueType.OBJECT) {
                next = cursor(o.getJsonObject("next").toString());
            }
            return new EntryPage(out, next);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed entries: " + e.getMessage(), e);
        }
    }

    /** A scan cursor as JSON (sent base64url in a query). */
    static String cursorJson(NeedleRecord r) {
        return key(Json.createObjectBuilder(), r.key()).add("hlc", r.hlc()).add("versionId", r.versionId())
                .build().toString();
    }

    static NeedleRecord cursor(String json) {
        JsonObject o = parse(json);
        return Holdings.cursor(key(o), o.getJsonNumber("hlc").longValueExact(), o.getString("versionId"));
    }

    private static JsonObjectBuilder key(JsonObjectBuilder b, NeedleKey k) {
        return b.add("kind", k.kind().name()).add("bucket", k.bucket()).add("name", k.name());
    }

    private static NeedleKey key(JsonObject o) {
        return new NeedleKey(NeedleKind.valueOf(o.getString("kind")), o.getString("bucket"), o.getString("name"));
    }

    static JsonObject parse(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
    }
}
