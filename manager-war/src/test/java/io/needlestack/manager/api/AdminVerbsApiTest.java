package io.needlestack.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.needlestack.core.account.AccountException;
import io.needlestack.core.account.BucketInfo;
import io.needlestack.manager.account.OwnerChange;
import io.needlestack.manager.account.Role;
import io.needlestack.manager.account.RoleChange;
import io.needlestack.manager.account.UserInfo;
import io.needlestack.manager.recovery.NodePlane;
import io.needlestack.manager.ring.ClusterException;

/**
 * The admin API's side of {@code import-user}, {@code update-user-role}, {@code chown-bucket} and
 * {@code delete-bucket}: the statuses of their codes, their JSON, and how a node's answer to the
 * emptiness check is read.
 */
class AdminVerbsApiTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static final UserInfo ALICE = new UserInfo("alice", "Alice", Role.ADMIN, true, T,
            List.of(new UserInfo.AccessKeyInfo("AKIAIOSFODNN7EXAMPLE", true, T)));

    @Test
    void refusalsHaveTheirStatuses() {
        assertEquals(409, ErrorMapper.status("AccessKeyInUse"));
        assertEquals(409, ErrorMapper.status("UserAlreadyExists"));
        assertEquals(409, ErrorMapper.status("CannotChangeRootRole"));
        assertEquals(409, ErrorMapper.status("LastActiveAdmin"));
        assertEquals(409, ErrorMapper.status("BucketNotEmpty"));
        assertEquals(400, ErrorMapper.status("MalformedAccessKeyId"));
        assertEquals(400, ErrorMapper.status("InvalidSecretKey"));
        assertEquals(404, ErrorMapper.status("NoSuchBucket"));
        assertEquals(404, ErrorMapper.status("NoSuchUser"));
    }

    @Test
    void importAnswerNeverCarriesTheSecret() {
        JsonObject o = AdminJson.imported(ALICE, "AKIAIOSFODNN7EXAMPLE");
        assertEquals("alice", o.getJsonObject("user").getString("id"));
        assertEquals("admin", o.getJsonObject("user").getString("role"));
        JsonObject key = o.getJsonObject("key");
        assertEquals("alice", key.getString("userId"));
        assertEquals("AKIAIOSFODNN7EXAMPLE", key.getString("accessKey"));
        assertFalse(key.containsKey("secretKey"), o.toString());
    }

    @Test
    void roleAndOwnerChangesSayWhatWasBefore() {
        JsonObject role = AdminJson.roleChange(new RoleChange(ALICE, Role.USER, true));
        assertEquals("admin", role.getJsonObject("user").getString("role"));
        assertEquals("user", role.getString("previousRole"));
        assertTrue(role.getBoolean("changed"));

        JsonObject owner = AdminJson.ownerChange(new OwnerChange(new BucketInfo("photos", "bob", "us-east-1", T),
                "alice", true));
        assertEquals("bob", owner.getJsonObject("bucket").getString("owner"));
        assertEquals("2026-03-01T10:00:00Z", owner.getJsonObject("bucket").getString("created"));
        assertEquals("alice", owner.getString("previousOwner"));
        assertTrue(owner.getBoolean("changed"));
    }

    @Test
    void rolesAreNamedEitherWay() {
        assertEquals(Role.ADMIN, UsersResource.role("admin"));
        assertEquals(Role.USER, UsersResource.role("USER"));
        assertEquals("InvalidArgument", assertThrows(AccountException.class, () -> UsersResource.role("owner")).code());
    }

    @Test
    void anEmptyBucketAnswerGivesTheAbortedUploads() {
        assertEquals(2, BucketsResource.prepared("photos",
                new NodePlane.Answer(200, "{\"bucket\":\"photos\",\"empty\":true,\"abortedUploads\":2}")));
        assertEquals(0, BucketsResource.prepared("photos",
                new NodePlane.Answer(200, "{\"bucket\":\"photos\",\"empty\":true,\"abortedUploads\":0}")));
    }

    @Test
    void theNodesRefusalIsPassedOnWithItsCodeAndStatus() {
        ClusterException e = assertThrows(ClusterException.class, () -> BucketsResource.prepared("photos",
                new NodePlane.Answer(409, "{\"code\":\"BucketNotEmpty\",\"message\":\"bucket photos still holds objects\"}")));
        assertEquals("BucketNotEmpty", e.code());
        assertEquals(409, e.status());
        assertEquals("bucket photos still holds objects", e.getMessage());

        ClusterException down = assertThrows(ClusterException.class, () -> BucketsResource.prepared("photos",
                new NodePlane.Answer(503, "{\"code\":\"StoreUnavailable\",\"message\":\"2 nodes did not answer\"}")));
        assertEquals("StoreUnavailable", down.code());
        assertEquals(503, down.status());
    }

    @Test
    void anythingElseIsNeverTakenForEmpty() {
        for (NodePlane.Answer a : List.of(
                new NodePlane.Answer(404, "<html>Not Found</html>"),
                new NodePlane.Answer(200, ""),
                new NodePlane.Answer(200, "{\"bucket\":\"photos\",\"empty\":false,\"abortedUploads\":0}"),
                new NodePlane.Answer(200, "{\"bucket\":\"photos\",\"empty\":true}"),
                new NodePlane.Answer(200, "[]"),
                new NodePlane.Answer(500, "{\"message\":\"no code\"}"))) {
            ClusterException e = assertThrows(ClusterException.class, () -> BucketsResource.prepared("photos", a),
                    a.toString());
            assertEquals("NodeError", e.code(), a.toString());
            assertEquals(502, e.status(), a.toString());
        }
    }
}
