package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Orphaned chunks on one real node. With 64 KiB chunks and the regular collection delayed by an
 * hour, a chunked object is overwritten and another deleted (their old chunks wait for that
 * collection), beside a chunked object left alone, a completed multipart upload (its object
 * lists the parts' chunks) and an upload still open (its part lists its chunks). The node is
 * killed with {@code kill -9}, so the waiting collections are lost, and restarted with the orphan
 * collector passing every 2 s: it collects exactly the 13 orphaned chunks, and no pass after that
 * collects more. The tombstone purge, which a standalone node runs without a ring, then drops all
 * 17 tombstones (the deleted object, the completed upload and its parts, the collected chunks);
 * every object reads back byte for byte, the deleted one stays deleted, and the open upload
 * completes afterwards.
 */
class OrphanChunkIT {

    private static final String BUCKET = "orphans";
    private static final int CHUNK = 64 * 1024;
    private static final int PART = 5 * 1024 * 1024;

    private final Random random = new Random(0x0e9_4a17L);
    private NodeProcess node;

    @AfterEach
    void down() throws Exception {
        if (node != null) {
            node.stop();
            NodeProcess.deleteTree(node.dataDir());
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void chunksLostByACrashAreCollectedAndNothingElse() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        node = NodeProcess.builder("orphans")
                .env("NEEDLESTACK_CHUNK_BYTES", Integer.toString(CHUNK))
                .env("NEEDLESTACK_CHUNK_COLLECT_DELAY_SECONDS", "3600")
                .env("NEEDLESTACK_CHUNK_ORPHAN_INTERVAL_SECONDS", "0")
                .start();
        byte[] big1 = bytes(10 * CHUNK);
        byte[] big2 = bytes(10 * CHUNK - 100);
        byte[] kept = bytes(5 * CHUNK);
        byte[] gone = bytes(3 * CHUNK);
        byte[] part1 = bytes(PART);
        byte[] part2 = bytes(100 * 1024);
        byte[] open1 = bytes(2 * CHUNK + 7);
        String openUpload;
        try (S3Client s3 = s3()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            put(s3, "big", big1);
            // Overwritten: big1's 10 chunks wait an hour for their collection.
            put(s3, "big", big2);
            put(s3, "kept", kept);
            put(s3, "gone", gone);
            // Deleted: its 3 chunks wait too.
            s3.deleteObject(b -> b.bucket(BUCKET).key("gone"));
            String done = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("multi")).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket(BUCKET).key("multi").uploadId(done).partNumber(1),
                    RequestBody.fromBytes(part1)).eTag();
            String e2 = s3.uploadPart(b -> b.bucket(BUCKET).key("multi").uploadId(done).partNumber(2),
                    RequestBody.fromBytes(part2)).eTag();
            s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("multi").uploadId(done).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(e1).build(),
                    CompletedPart.builder().partNumber(2).eTag(e2).build())));
            openUpload = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("open")).uploadId();
            s3.uploadPart(b -> b.bucket(BUCKET).key("open").uploadId(openUpload).partNumber(1),
                    RequestBody.fromBytes(open1));
        }
        assertEquals(0, metric("needlestack_orphan_chunks_collected_total"));

        node.kill();
        Path data = node.dataDir();
        node = NodeProcess.builder("orphans").dataDir(data).port(node.port()).internalPort(node.internalPort())
                .env("NEEDLESTACK_CHUNK_BYTES", Integer.toString(CHUNK))
                .env("NEEDLESTACK_CHUNK_COLLECT_DELAY_SECONDS", "4")
                .env("NEEDLESTACK_CHUNK_ORPHAN_INTERVAL_SECONDS", "2")
                .env("NEEDLESTACK_CHUNK_ORPHAN_GRACE_SECONDS", "0")
                // A standalone node purges tombstones too: no replica can bring a deleted version back.
                .env("NEEDLESTACK_TOMBSTONE_GRACE_SECONDS", "0")
                .env("NEEDLESTACK_TOMBSTONE_PURGE_INTERVAL_SECONDS", "2")
                .start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (metric("needlestack_orphan_chunks_collected_total") < 13 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertEquals(13, metric("needlestack_orphan_chunks_collected_total"));
        assertEquals(10L * CHUNK + 3L * CHUNK, metric("needlestack_orphan_chunk_bytes_collected_total"));
        // Several more passes (every 2 s), each of which would collect any chunk it wrongly found unreferenced.
        Thread.sleep(6_000);
        assertEquals(13, metric("needlestack_orphan_chunks_collected_total"));
        assertEquals(0, metric("needlestack_orphan_chunks_waiting"));
        // Tombstones: "gone", the completed upload and its two parts, and the 13 chunks collected.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metric("needlestack_tombstones_purged_total") < 17 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertEquals(17, metric("needlestack_tombstones_purged_total"));

        try (S3Client s3 = s3()) {
            assertArrayEquals(big2, get(s3, "big"));
            assertArrayEquals(kept, get(s3, "kept"));
            assertThrows(NoSuchKeyException.class, () -> get(s3, "gone"));
            byte[] multi = get(s3, "multi");
            assertEquals(part1.length + part2.length, multi.length);
            assertArrayEquals(part1, java.util.Arrays.copyOf(multi, part1.length));
            assertArrayEquals(part2, java.util.Arrays.copyOfRange(multi, part1.length, multi.length));
            List<software.amazon.awssdk.services.s3.model.Part> parts = s3.listParts(b -> b.bucket(BUCKET).key("open")
                    .uploadId(openUpload)).parts();
            assertEquals(1, parts.size());
            s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("open").uploadId(openUpload).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(parts.get(0).eTag()).build())));
            assertArrayEquals(open1, get(s3, "open"));
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void put(S3Client s3, String key, byte[] data) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
    }

    private static byte[] get(S3Client s3, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    private long metric(String name) throws Exception {
        return LocalCluster.metric(node.port(), name);
    }

    private S3Client s3() {
        return node.s3Client();
    }
}
