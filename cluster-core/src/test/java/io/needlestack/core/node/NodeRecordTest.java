package io.needlestack.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeRecordTest {

    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    private static NodeRecord record() {
        return new NodeRecord("n-1a2b", "n1", List.of("gateway", "storage"), "http://127.0.0.1:8080",
                "http://127.0.0.1:8180", "rack-a", T0, T0, false, 1234, 5678);
    }

    @Test
    void jsonRoundTrip() {
        NodeRecord r = record();
        assertEquals(r, NodeRecord.fromJson(r.toJson()));
        NodeRecord s = r.stopped(T0.plusSeconds(3));
        assertEquals(s, NodeRecord.fromJson(s.toJson()));
    }

    @Test
    void ringChecksumRoundTripsAndDefaultsToEmptyInOlderRecords() {
        NodeRecord r = record().withRingChecksum("00112233aabbccdd");
        NodeRecord back = NodeRecord.fromJson(r.toJson());
        assertEquals("00112233aabbccdd", back.ringChecksum());
        assertEquals("00112233aabbccdd", back.beat(T0.plusSeconds(2), 1, 2).ringChecksum());
        String older = record().toJson().replace(",\"ringChecksum\":\"\"", "");
        assertEquals(false, older.contains("ringChecksum"), older);
        assertEquals("", NodeRecord.fromJson(older).ringChecksum());
    }

    @Test
    void livenessFollowsTheHeartbeat() {
        NodeRecord r = record();
        assertEquals(NodeRecord.Liveness.RUNNING, r.liveness(T0.plusSeconds(9)));
        assertEquals(NodeRecord.Liveness.DOWN, r.liveness(T0.plusSeconds(11)));
        assertEquals(NodeRecord.Liveness.RUNNING, r.beat(T0.plusSeconds(10), 1, 2).liveness(T0.plusSeconds(11)));
        assertEquals(NodeRecord.Liveness.STOPPED, r.stopped(T0).liveness(T0.plusSeconds(60)));
    }
}
