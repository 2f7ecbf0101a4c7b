package io.needlestack.core.account;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * The JSON form of credentials, bucket records and errors: the body of the manager's internal
 * API and the values of the distributed credential and bucket caches. One codec for both
 * sides, so the shapes cannot drift apart.
 *
 * <pre>
 * credential: {"accessKeyId":"..","secretKey":"..","userId":"..","displayName":"..","active":true}
 * bucket:     {"name":"..","owner":"..","region":"..","created":"2026-11-22T00:00:00.123Z"}
 * buckets:    {"buckets":[bucket, ...]}
 * error:      {"code":"NoSuchBucket","message":".."}
 * </pre>
 */
public final class AccountJson {

    /**
     * Looked up once: {@code Json.createReader} and friends look the provider up through the
     * service loader on every call (jar scans), and credentials and bucket records are decoded on
     * every S3 request.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private AccountJson() {
    }

    /** A credential as JSON. */
    public static String toJson(Credential c) {
        return JSON.createObjectBuilder()
                .add("accessKeyId", c.accessKeyId())
                .add("secretKey", c.secretKey())
                .add("userId", c.userId())
                .add("displayName", c.displayName())
                .add("active", c.active())
                .build().toString();
    }

    /** A credential from JSON. */
    public static Credential credential(String json) {
        JsonObject o = parse(json);
        return new Credential(o.getString("accessKeyId"), o.getString("secretKey"), o.getString("userId"),
                o.getString("displayName"), o.getBoolean("active"));
    }

    /** A bucket record as JSON. */
    public static String toJson(BucketInfo b) {
        return bucketObject(b).toString();
    }

    /** A bucket record from JSON. */
    public static BucketInfo bucket(String json) {
        return bucket(parse(json));
    }

    /** A list of bucket records as JSON. */
    public static String bucketsToJson(List<BucketInfo> buckets) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        buckets.forEach(b -> a.add(bucketObject(b)));
        return JSON.createObjectBuilder().add("buckets", a).build().toString();
    }

    /** A list of bucket records from JSON. */
    public static List<BucketInfo> buckets(String json) {
        List<BucketInfo> out = new ArrayList<>();
        for (JsonValue v : parse(json).getJsonArray("buckets")) {
            out.add(bucket(v.asJsonObject()));
        }
        return out;
    }

    /** An error body. */
    public static String error(String code, String message) {
        return JSON.createObjectBuilder().add("code", code).add("message", message == null ? "" : message)
                .build().toString();
    }

    /** The code of an error body, or {@code fallback} when the body is not one. */
    public static String errorCode(String json, String fallback) {
        try {
            return parse(json).getString("code", fallback);
        } catch (RuntimeException notJson) {
            return fallback;
        }
    }

    private static JsonObject bucketObject(BucketInfo b) {
        return JSON.createObjectBuilder()
                .add("name", b.name())
                .add("owner", b.ownerId())
                .add("region", b.region())
                .add("created", b.created().toString())
                .build();
    }

    private static BucketInfo bucket(JsonObject o) {
        return new BucketInfo(o.getString("name"), o.getString("owner"), o.getString("region"),
                Instant.parse(o.getString("created")));
    }

    private static JsonObject parse(String json) {
        try (JsonReader r = JSON.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }
}
