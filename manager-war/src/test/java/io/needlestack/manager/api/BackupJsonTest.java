package io.needlestack.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

import io.needlestack.core.account.AccountException;
import io.needlestack.manager.account.ManagerBackup;
import io.needlestack.manager.account.RestoreMode;
import io.needlestack.manager.account.RestoreReport;
import io.needlestack.manager.account.Role;

class BackupJsonTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00.123Z");

    private static final ManagerBackup SAMPLE = new ManagerBackup(T,
            List.of(new ManagerBackup.User("root", "root", Role.ADMIN, true, T),
                    new ManagerBackup.User("alice", "Alice Liddell", Role.USER, false, Instant.parse("2026-01-02T03:04:05Z"))),
            List.of(new ManagerBackup.Key("NSALICE0000000000000", "abc+/DEF0123456789abcdefghijklmnopqrstuv", "alice",
                    false, T)),
            List.of(new ManagerBackup.Bucket("photos", "alice", "eu-west-1", T)));

    private static final JsonObject CLUSTER = Json.createObjectBuilder()
            .add("consistency", Json.createObjectBuilder().add("n", 3).add("w", 2).add("r", 2).add("d", 1))
            .add("ring", Json.createObjectBuilder().add("version", 4)).build();

    private static JsonObject document() {
        return BackupJson.encode(SAMPLE, Json.createObjectBuilder().add("node", "n1").build(), CLUSTER);
    }

    @Test
    void encodedDocumentDecodesToTheSameBackup() {
        JsonObject doc = document();
        assertEquals("needlestack-manager-backup", doc.getString("format"));
        assertEquals(1, doc.getInt("version"));
        assertEquals("2026-03-01T10:00:00.123Z", doc.getString("createdAt"));
        assertEquals("abc+/DEF0123456789abcdefghijklmnopqrstuv",
                doc.getJsonArray("accessKeys").getJsonObject(0).getString("secretKey"));
        assertEquals("user", doc.getJsonArray("users").getJsonObject(1).getString("role"));
        BackupJson.Decoded d = BackupJson.decode(doc.toString());
        assertEquals(SAMPLE, d.backup());
        assertEquals(CLUSTER, d.cluster());
    }

    @Test
    void wrongFormatOrVersionIsRefused() {
        assertCode("InvalidBackup", "not a Needlestack manager backup", d -> with(d, "format", Json.createValue("leofs-mnesia")));
        assertCode("InvalidBackup", "not a Needlestack manager backup", d -> without(d, "format"));
        assertCode("UnsupportedBackupVersion", "version 2", d -> with(d, "version", Json.createValue(2)));
        assertCode("InvalidBackup", "version must be an integer", d -> with(d, "version", Json.createValue("1")));
        assertCode("InvalidBackup", "version must be an integer", d -> with(d, "version", Json.createValue(1.5)));
    }

    @Test
    void malformedDocumentsAreRefusedNamingTheField() {
        assertCode("InvalidBackup", "users must be an array", d -> without(d, "users"));
        assertCode("InvalidBackup", "accessKeys must be an array", d -> with(d, "accessKeys", Json.createValue("x")));
        assertCode("InvalidBackup", "buckets[0] must be an object",
                d -> with(d, "buckets", Json.createArrayBuilder().add(7).build()));
        assertCode("InvalidBackup", "users[1].role must be admin or user",
                d -> withEntry(d, "users", 1, "role", Json.createValue("superuser")));
        assertCode("InvalidBackup", "accessKeys[0].secretKey must be a string",
                d -> withEntry(d, "accessKeys", 0, "secretKey", JsonValue.NULL));
        assertCode("InvalidBackup", "accessKeys[0].active must be true or false",
                d -> withEntry(d, "accessKeys", 0, "active", Json.createValue("yes")));
        assertCode("InvalidBackup", "buckets[0].created is not an ISO-8601 UTC time",
                d -> withEntry(d, "buckets", 0, "created", Json.createValue("yesterday")));
        assertCode("InvalidBackup", "createdAt must be a string", d -> without(d, "createdAt"));
        assertCode("InvalidBackup", "cluster must be an object", d -> with(d, "cluster", Json.createValue(3)));
    }

    @Test
    void unknownFieldsAndAbsentInformativeSectionsAreAccepted() {
        JsonObject d = with(without(without(document(), "cluster"), "source"), "comment", Json.createValue("by hand"));
        BackupJson.Decoded decoded = BackupJson.decode(d.toString());
        assertEquals(SAMPLE, decoded.backup());
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, decoded.cluster());
    }

    @Test
    void notJsonIsRefused() {
        for (String body : new String[] {"", "  ", "not json", "[1,2]", "{\"format\":"}) {
            AccountException e = assertThrows(AccountException.class, () -> BackupJson.decode(body));
            assertEquals("InvalidBackup", e.code(), body);
        }
    }

    @Test
    void reportCarriesCountsAndTheBackupsLevels() {
        RestoreReport r = new RestoreReport(RestoreMode.MERGE, T, new RestoreReport.Counts(1, 0, 0, 2),
                new RestoreReport.Counts(3, 0, 0, 1), new RestoreReport.Counts(0, 0, 0, 4), List.of("bucket x: y"), 1);
        JsonObject o = BackupJson.report(r, CLUSTER);
        assertEquals("merge", o.getString("mode"));
        assertEquals("2026-03-01T10:00:00.123Z", o.getString("backupCreatedAt"));
        assertEquals(3, o.getJsonObject("accessKeys").getInt("added"));
        assertEquals(4, o.getJsonObject("buckets").getInt("skipped"));
        assertEquals(List.of("bucket x: y"), o.getJsonArray("conflicts").getValuesAs(jakarta.json.JsonString::getString));
        assertFalse(o.getJsonObject("cluster").getBoolean("restored"));
        assertEquals(1, o.getJsonObject("cluster").getJsonObject("consistency").getInt("d"));
        assertFalse(BackupJson.report(r, JsonValue.EMPTY_JSON_OBJECT).getJsonObject("cluster").containsKey("consistency"));
    }

    @Test
    void errorStatusesOfTheRestoreCodes() {
        assertEquals(409, ErrorMapper.status("ManagerNotEmpty"));
        assertEquals(409, ErrorMapper.status("WouldLockOutCaller"));
        assertEquals(409, ErrorMapper.status("AccessKeyInUse"));
        assertEquals(400, ErrorMapper.status("InvalidBackup"));
        assertEquals(400, ErrorMapper.status("UnsupportedBackupVersion"));
    }

    private static void assertCode(String code, String message, UnaryOperator<JsonObject> change) {
        String body = change.apply(document()).toString();
        AccountException e = assertThrows(AccountException.class, () -> BackupJson.decode(body));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static JsonObject with(JsonObject o, String field, JsonValue value) {
        return Json.createObjectBuilder(o).add(field, value).build();
    }

    private static JsonObject without(JsonObject o, String field) {
        return Json.createObjectBuilder(o).remove(field).build();
    }

    private static JsonObject withEntry(JsonObject o, String array, int index, String field, JsonValue value) {
        var entries = Json.createArrayBuilder(o.getJsonArray(array));
        entries.set(index, with(o.getJsonArray(array).getJsonObject(index), field, value));
        return with(o, array, entries.build());
    }
}
