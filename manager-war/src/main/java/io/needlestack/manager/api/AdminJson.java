package io.needlestack.manager.api;

import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import io.needlestack.core.account.BucketInfo;
import io.needlestack.manager.account.NewAccessKey;
import io.needlestack.manager.account.OwnerChange;
import io.needlestack.manager.account.Role;
import io.needlestack.manager.account.RoleChange;
import io.needlestack.manager.account.UserInfo;

/**
 * The JSON of the admin API, written out field by field so the shapes are explicit and do not
 * depend on a binding provider's treatment of records.
 *
 * <pre>
 * user:  {"id","displayName","role":"admin|user","active","created":ISO-8601,
 *         "accessKeys":[{"accessKey","active","created"}]}
 * key:   {"userId","accessKey","secretKey"}
 * bucket:{"name","owner","region","created"}
 * import-user:      {"user":user,"key":{"userId","accessKey"}} (the secret is the caller's, not echoed)
 * update-user-role: {"user":user,"previousRole":"admin|user","changed"}
 * chown-bucket:     {"bucket":bucket,"previousOwner","changed"}
 * </pre>
 */
final class AdminJson {

    private AdminJson() {
    }

    static JsonObject user(UserInfo u) {
        JsonArrayBuilder keys = Json.createArrayBuilder();
        for (UserInfo.AccessKeyInfo k : u.accessKeys()) {
            keys.add(Json.createObjectBuilder().add("accessKey", k.accessKey()).add("active", k.active())
                    .add("created", k.created().toString()));
        }
        return Json.createObjectBuilder()
                .add("id", u.id())
                .add("displayName", u.displayName())
                .add("role", role(u.role()))
                .add("active", u.active())
                .add("created", u.created().toString())
                .add("accessKeys", keys)
                .build();
    }

    static JsonObject users(List<UserInfo> users) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        users.forEach(u -> a.add(user(u)));
        return Json.createObjectBuilder().add("users", a).build();
    }

    static JsonObject key(NewAccessKey k) {
        return Json.createObjectBuilder().add("userId", k.userId()).add("accessKey", k.accessKey())
                .add("secretKey", k.secretKey()).build();
    }

    static String role(Role r) {
        return r.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A user created with a given key pair: the key without its secret, which the caller sent. */
    static JsonObject imported(UserInfo u, String accessKey) {
        return Json.createObjectBuilder().add("user", user(u))
                .add("key", Json.createObjectBuilder().add("userId", u.id()).add("accessKey", accessKey)).build();
    }

    static JsonObject roleChange(RoleChange c) {
        return Json.createObjectBuilder().add("user", user(c.user())).add("previousRole", role(c.previous()))
                .add("changed", c.changed()).build();
    }

    static JsonObject ownerChange(OwnerChange c) {
        return Json.createObjectBuilder().add("bucket", bucket(c.bucket())).add("previousOwner", c.previousOwner())
                .add("changed", c.changed()).build();
    }

    static JsonObjectBuilder bucket(BucketInfo b) {
        return Json.createObjectBuilder().add("name", b.name()).add("owner", b.ownerId()).add("region", b.region())
                .add("created", b.created().toString());
    }

    static JsonObject buckets(List<BucketInfo> buckets) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        buckets.forEach(b -> a.add(bucket(b)));
        return Json.createObjectBuilder().add("buckets", a).build();
    }
}
