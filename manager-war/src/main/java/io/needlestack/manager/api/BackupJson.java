package io.needlestack.manager.api;

import java.io.StringReader;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.needlestack.core.account.AccountException;
import io.needlestack.manager.account.ManagerBackup;
import io.needlestack.manager.account.RestoreReport;
import io.needlestack.manager.account.Role;

/**
 * The JSON of a manager backup, written out field by field like {@link AdminJson}:
 *
 * <pre>
 * {"format":"needlestack-manager-backup","version":1,"createdAt":ISO-8601,
 *  "source":{"node","managerVersion","database"},
 *  "users":[{"id","displayName","role":"admin|user","active","created"}],
 *  "accessKeys":[{"accessKey","secretKey","userId","active","created"}],
 *  "buckets":[{"name","owner","region","created"}],
 *  "cluster":{"consistency":{"n","w","r","d"},"ring":{"version","checksum","members":[{"id","endpoint","rack","weight"}]}}}
 * </pre>
 *
 * {@code source} and {@code cluster} are informative: a restore reads neither (only checks that
 * they are objects when present), and other unknown fields are ignored, so that a version 1
 * reader accepts what a later version 1 writer adds. Everything else is required: a malformed
 * document is refused whole with 400 {@code InvalidBackup} naming the first wrong field, another
 * version with 400 {@code UnsupportedBackupVersion}.
 */
final class BackupJson {

    private BackupJson() {
    }

    /**
     * The backup document.
     *
     * @param source who wrote it (informative)
     * @param cluster the cluster settings (informative, not restored)
     */
    static JsonObject encode(ManagerBackup b, JsonObject source, JsonObject cluster) {
        JsonArrayBuilder users = Json.createArrayBuilder();
        for (ManagerBackup.User u : b.users()) {
            users.add(Json.createObjectBuilder().add("id", u.id()).add("displayName", u.displayName())
                    .add("role", u.role().name().toLowerCase(Locale.ROOT)).add("active", u.active())
                    .add("created", u.created().toString()));
        }
        JsonArrayBuilder keys = Json.createArrayBuilder();
        for (ManagerBackup.Key k : b.keys()) {
            keys.add(Json.createObjectBuilder().add("accessKey", k.accessKey()).add("secretKey", k.secretKey())
                    .add("userId", k.userId()).add("active", k.active()).add("created", k.created().toString()));
        }
        JsonArrayBuilder buckets = Json.createArrayBuilder();
        for (ManagerBackup.Bucket x : b.buckets()) {
            buckets.add(Json.createObjectBuilder().add("name", x.name()).add("owner", x.owner())
                    .add("region", x.region()).add("created", x.created().toString()));
        }
        return Json.createObjectBuilder()
                .add("format", ManagerBackup.FORMAT)
                .add("version", ManagerBackup.VERSION)
                .add("createdAt", b.createdAt().toString())
                .add("source", source)
                .add("users", users)
                .add("accessKeys", keys)
                .add("buckets", buckets)
                .add("cluster", cluster)
                .build();
    }

    /**
     * A decoded document.
     *
     * @param backup the accounts, not validated yet beyond their JSON shape
     *        ({@link ManagerBackup#validate()} checks names and references)
     * @param cluster the document's {@code cluster} object, empty when absent
     */
    record Decoded(ManagerBackup backup, JsonObject cluster) {
    }

    /**
     * Reads a backup document.
     *
     * @throws AccountException {@code InvalidBackup} or {@code UnsupportedBackupVersion}
     */
    static Decoded decode(String body) {
        JsonObject o;
        if (body == null || body.isBlank()) {
            throw invalid("the body is empty: send the backup document");
        }
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            o = r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw invalid("the body is not a JSON object");
        }
        JsonValue format = o.get("format");
        if (!(format instanceof JsonString f) || !ManagerBackup.FORMAT.equals(f.getString())) {
            throw invalid("format is " + format + ", not \"" + ManagerBackup.FORMAT
                    + "\": this is not a Needlestack manager backup");
        }
        JsonValue version = o.get("version");
        if (!(version instanceof JsonNumber v) || !v.isIntegral()) {
            throw invalid("version must be an integer");
        }
        if (!v.bigIntegerValue().equals(BigInteger.valueOf(ManagerBackup.VERSION))) {
            throw new AccountException("UnsupportedBackupVersion", "backup format version " + v
                    + " is not supported by this manager, which reads version " + ManagerBackup.VERSION);
        }
        Instant createdAt = time(o, "createdAt", "");
        optionalObject(o, "source");
        JsonObject cluster = optionalObject(o, "cluster");
        List<ManagerBackup.User> users = list(o, "users", (u, where) -> new ManagerBackup.User(
                string(u, "id", where), string(u, "displayName", where), role(u, where), bool(u, "active", where),
                time(u, "created", where)));
        List<ManagerBackup.Key> keys = list(o, "accessKeys", (k, where) -> new ManagerBackup.Key(
                string(k, "accessKey", where), string(k, "secretKey", where), string(k, "userId", where),
                bool(k, "active", where), time(k, "created", where)));
        List<ManagerBackup.Bucket> buckets = list(o, "buckets", (b, where) -> new ManagerBackup.Bucket(
                string(b, "name", where), string(b, "owner", where), string(b, "region", where),
                time(b, "created", where)));
        return new Decoded(new ManagerBackup(createdAt, users, keys, buckets), cluster);
    }

    /**
     * The answer of a restore:
     * {@code {"mode","backupCreatedAt","users":counts,"accessKeys":counts,"buckets":counts,
     * "conflicts":[..],"conflictCount","cluster":{"restored":false[,"consistency":{"n","w","r","d"}]}}}
     * with counts {@code {"added","updated","removed","skipped"}}; {@code cluster.consistency} is
     * the backup's, for the operator to re-apply when the cluster's differ.
     */
    static JsonObject report(RestoreReport r, JsonObject cluster) {
        JsonArrayBuilder conflicts = Json.createArrayBuilder();
        r.conflicts().forEach(conflicts::add);
        JsonObjectBuilder c = Json.createObjectBuilder().add("restored", false);
        JsonValue levels = cluster.get("consistency");
        if (levels instanceof JsonObject l && isInt(l, "n") && isInt(l, "w") && isInt(l, "r") && isInt(l, "d")) {
            c.add("consistency", Json.createObjectBuilder().add("n", l.getInt("n")).add("w", l.getInt("w"))
                    .add("r", l.getInt("r")).add("d", l.getInt("d")));
        }
        return Json.createObjectBuilder()
                .add("mode", r.mode().label())
                .add("backupCreatedAt", r.backupCreatedAt().toString())
                .add("users", counts(r.users()))
                .add("accessKeys", counts(r.accessKeys()))
                .add("buckets", counts(r.buckets()))
                .add("conflicts", conflicts)
                .add("conflictCount", r.conflictCount())
                .add("cluster", c)
                .build();
    }

    private static JsonObjectBuilder counts(RestoreReport.Counts c) {
        return Json.createObjectBuilder().add("added", c.added()).add("updated", c.updated())
                .add("removed", c.removed()).add("skipped", c.skipped());
    }

    private static boolean isInt(JsonObject o, String field) {
        return o.get(field) instanceof JsonNumber n && n.isIntegral();
    }

    private static <T> List<T> list(JsonObject o, String field, BiFunction<JsonObject, String, T> entry) {
        if (!(o.get(field) instanceof JsonArray a)) {
            throw invalid(field + " must be an array");
        }
        List<T> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String where = field + "[" + i + "]";
            if (!(a.get(i) instanceof JsonObject e)) {
                throw invalid(where + " must be an object");
            }
            out.add(entry.apply(e, where));
        }
        return out;
    }

    private static JsonObject optionalObject(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (!(v instanceof JsonObject x)) {
            throw invalid(field + " must be an object");
        }
        return x;
    }

    private static String string(JsonObject o, String field, String where) {
        if (!(o.get(field) instanceof JsonString s)) {
            throw invalid(path(where, field) + " must be a string");
        }
        return s.getString();
    }

    private static boolean bool(JsonObject o, String field, String where) {
        JsonValue v = o.get(field);
        if (v != null && v.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (v != null && v.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        throw invalid(path(where, field) + " must be true or false");
    }

    private static Instant time(JsonObject o, String field, String where) {
        String s = string(o, field, where);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw invalid(path(where, field) + " is not an ISO-8601 UTC time: " + s);
        }
    }

    private static Role role(JsonObject o, String where) {
        String s = string(o, "role", where);
        return switch (s) {
            case "admin" -> Role.ADMIN;
            case "user" -> Role.USER;
            default -> throw invalid(path(where, "role") + " must be admin or user, not " + s);
        };
    }

    private static String path(String where, String field) {
        return where.isEmpty() ? field : where + "." + field;
    }

    private static AccountException invalid(String message) {
        return new AccountException("InvalidBackup", "invalid backup: " + message);
    }
}
