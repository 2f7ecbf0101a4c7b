package io.needlestack.gateway.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.needle.NeedleFormat;
import io.needlestack.storage.store.CompactionRefusedException;
import io.needlestack.storage.store.CompactionStatus;
import io.needlestack.storage.store.ContainerUsage;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compaction requests' parameters, refusal statuses, status JSON and usage JSON. */
class CompactionResourceTest {

    @Test
    void containerListsAreIdsSeparatedByCommasAndAbsentMeansAll() {
        assertEquals(Set.of(), CompactionResource.containerIds(null));
        assertEquals(List.of(0, 3, 12), List.copyOf(CompactionResource.containerIds("0,3,12,3")));
        for (String bad : new String[] {"", ",", "1,", ",1", "-1", "1;2", "a", "1 ,2", "9999999999"}) {
            assertThrows(IllegalArgumentException.class, () -> CompactionResource.containerIds(bad), bad);
        }
    }

    @Test
    void refusalsMapToConflictsExceptUnknownContainersAndFullDisks() {
        assertEquals(409, CompactionResource.status(new CompactionRefusedException("CompactionRunning", "m")));
        assertEquals(409, CompactionResource.status(new CompactionRefusedException("CompactionNotRunning", "m")));
        assertEquals(400, CompactionResource.status(new CompactionRefusedException("NoSuchContainer", "m")));
        assertEquals(507, CompactionResource.status(new CompactionRefusedException("NotEnoughSpace", "m")));
    }

    @Test
    void statusJsonHasTheRecordsFieldsAndIsoTimesOrNull() {
        JsonObject idle = read(CompactionResource.json(new CompactionStatus("idle", "none", 0, 0, 0, 0, -1, 0, 0, 0,
                0, 0, null, 4096)));
        assertEquals(JsonValue.NULL, idle.get("startedAt"));
        assertEquals(JsonValue.NULL, idle.get("finishedAt"));
        assertEquals(JsonValue.NULL, idle.get("message"));
        assertEquals(-1, idle.getInt("currentContainer"));
        assertTrue(idle.containsKey("node"));

        JsonObject failed = read(CompactionResource.json(new CompactionStatus("idle", "failed", 1_700_000_000_000L,
                1_700_000_001_500L, 8, 3, -1, 1L << 33, 1L << 31, 10, 20, 1, "disk gone", 5L << 30)));
        assertEquals("failed", failed.getString("outcome"));
        assertEquals("2023-11-14T22:13:20Z", failed.getString("startedAt"));
        assertEquals("2023-11-14T22:13:21.500Z", failed.getString("finishedAt"));
        assertEquals(1_700_000_001_500L, failed.getJsonNumber("finishedAtMillis").longValue());
        assertEquals(8, failed.getInt("containersTotal"));
        assertEquals(3, failed.getInt("containersDone"));
        assertEquals(1L << 33, failed.getJsonNumber("bytesBefore").longValue());
        assertEquals(1L << 31, failed.getJsonNumber("bytesAfter").longValue());
        assertEquals(10, failed.getJsonNumber("needlesKept").longValue());
        assertEquals(20, failed.getJsonNumber("needlesDropped").longValue());
        assertEquals(1, failed.getJsonNumber("corruptSkipped").longValue());
        assertEquals("disk gone", failed.getString("message"));
        assertEquals(5L << 30, failed.getJsonNumber("containerFileBytes").longValue());
    }

    @Test
    void usageJsonListsEveryContainerAndSumsTheirBytes() {
        long superblock = NeedleFormat.SUPERBLOCK_LENGTH;
        JsonObject du = read(CompactionResource.usageJson(List.of(
                new ContainerUsage(0, "/data/a", 10_000_000_000L, 2_000_000_000L, false, true),
                new ContainerUsage(1, "/data/a", superblock + 4096, 4096, true, false),
                // A write between the engine's two readings: live may exceed the file less its superblock.
                new ContainerUsage(2, "/data/b", superblock + 100, 100 + 10, false, false))));
        assertTrue(du.containsKey("node"));
        JsonArray containers = du.getJsonArray("containers");
        assertEquals(3, containers.size());
        JsonObject first = containers.getJsonObject(0);
        assertEquals(0, first.getInt("id"));
        assertEquals("/data/a", first.getString("directory"));
        assertEquals(10_000_000_000L, first.getJsonNumber("fileBytes").longValue());
        assertEquals(2_000_000_000L, first.getJsonNumber("liveBytes").longValue());
        assertEquals(8_000_000_000L - superblock, first.getJsonNumber("reclaimableBytes").longValue());
        assertEquals(JsonValue.FALSE, first.get("active"));
        assertEquals(JsonValue.TRUE, first.get("compacting"));
        JsonObject second = containers.getJsonObject(1);
        assertEquals(1, second.getInt("id"));
        assertEquals(0, second.getJsonNumber("reclaimableBytes").longValue());
        assertEquals(JsonValue.TRUE, second.get("active"));
        assertEquals(JsonValue.FALSE, second.get("compacting"));
        assertEquals(0, containers.getJsonObject(2).getJsonNumber("reclaimableBytes").longValue());

        assertEquals(10_000_000_000L + 2 * superblock + 4196, du.getJsonNumber("fileBytes").longValue());
        assertEquals(2_000_000_000L + 4096 + 110, du.getJsonNumber("liveBytes").longValue());
        // The containers' own reclaimable bytes, not fileBytes - liveBytes (superblocks, the clamp).
        assertEquals(8_000_000_000L - superblock, du.getJsonNumber("reclaimableBytes").longValue());
    }

    @Test
    void usageJsonOfANodeWithoutContainersIsEmptyWithZeroTotals() {
        JsonObject du = read(CompactionResource.usageJson(List.of()));
        assertEquals(0, du.getJsonArray("containers").size());
        assertEquals(0, du.getJsonNumber("fileBytes").longValue());
        assertEquals(0, du.getJsonNumber("liveBytes").longValue());
        assertEquals(0, du.getJsonNumber("reclaimableBytes").longValue());
    }

    private static JsonObject read(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }
}
