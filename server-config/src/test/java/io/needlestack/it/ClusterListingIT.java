package io.needlestack.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.needlestack.core.internal.ClusterSecret;
import io.needlestack.gateway.internal.InternalHttp;
import io.needlestack.gateway.internal.InternalNeedleClient;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listings and deletes across a real three-node cluster (N=3, W=2, R=2, D=2: R+W&gt;N, the cluster
 * default) with a node killed: a 5,000-key listing returns every key once, in UTF-8 byte order,
 * through every live gateway and in every listing form; keys deleted while a node was down stay
 * deleted after it returns, through read repair, the repair queue and the tombstone purge, which
 * this class runs with a grace period of a few seconds ({@code -Dneedlestack.tombstone.grace.seconds}
 * through {@code NEEDLESTACK_JAVA_OPTS}). Conditional creates ({@code If-None-Match: *}) racing
 * through every gateway have exactly one winner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterListingIT {

    /** One pooled transport for the test's internal-plane clients (daemon threads; lives as long as the JVM). */
    private static final InternalHttp INTERNAL_HTTP = InternalNeedleClient.httpClient(Duration.ofSeconds(3));

    private static final int NODES = 3;
    private static final int KEYS = 5_000;
    private static final int GRACE_SECONDS = 15;
    private static final String BUCKET = "listing";
    private static final String TOMB = "tombs";
    private static final String LOCKS = "locks";
    private static final String JAVA_OPTS = "needlestack.it.java.opts";
    /** Several prefixes, and names whose UTF-16 order differs from their UTF-8 byte order. */
    private static final String[] PREFIXES = {"a/", "a/b/", "b-", "z/", "\u00e9t\u00e9/", "\u65e5\u672c/",
            "\uff21/", "\ud83d\ude00/", ""};
    private static final Comparator<String> UTF8 = (x, y) -> Arrays.compareUnsigned(
            x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));

    private final S3Client[] s3 = new S3Client[NODES];
    private final List<String> expected = new ArrayList<>();
    private final List<String> doomed = new ArrayList<>();
    private Path dir;
    private int port;
    private String savedJavaOpts;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void up() throws Exception {
        assumeTrue(NodeProcess.adapterPresent(), "needle-rar has no adapter implementation yet");
        savedJavaOpts = System.getProperty(JAVA_OPTS);
        System.setProperty(JAVA_OPTS, (savedJavaOpts == null ? "-XX:TieredStopAtLevel=1" : savedJavaOpts)
                + " -Dneedlestack.tombstone.grace.seconds=" + GRACE_SECONDS
                + " -Dneedlestack.tombstone.purge.interval.seconds=2");
        port = LocalCluster.freeBasePort(NODES);
        dir = NodeProcess.workDirectory().resolve("listing-" + port);
        long t0 = System.nanoTime();
        LocalCluster.Result up = LocalCluster.script("cluster", "up", "--nodes", Integer.toString(NODES), "--data",
                dir.toString(), "--port", Integer.toString(port), "--consistency", "3,2,2,2", "--wait", "240");
        assertEquals(0, up.exit(), up.output());
        assertTrue(waitForRing(Duration.ofSeconds(90)), "the nodes never placed by a ring of 3:\n" + health(0));
        System.out.printf("cluster of %d up in %.1f s%n", NODES, (System.nanoTime() - t0) / 1e9);
        Properties creds = LocalCluster.conf(node(0).resolve("root.credentials"));
        for (int i = 0; i < NODES; i++) {
            s3[i] = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + (port + i)))
                    .region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            creds.getProperty("access_key"), creds.getProperty("secret_key"))))
                    .overrideConfiguration(ClientOverrideConfiguration.builder().retryPolicy(RetryPolicy.none())
                            .apiCallTimeout(Duration.ofSeconds(60)).build())
                    .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16)).build();
        }
        s3[0].createBucket(b -> b.bucket(BUCKET));
        s3[0].createBucket(b -> b.bucket(TOMB));
        for (int i = 0; i < KEYS; i++) {
            expected.add(PREFIXES[i % PREFIXES.length] + "k" + String.format("%05d", (i * 7919) % KEYS));
        }
        expected.sort(UTF8);
        for (int i = 0; i < 12; i++) {
            doomed.add("zombie/" + (i % 2 == 0 ? "\u00fc" : "") + i);
        }
    }

    @AfterAll
    void down() throws Exception {
        try {
            for (S3Client c : s3) {
                if (c != null) {
                    c.close();
                }
            }
            if (dir != null) {
                LocalCluster.script("cluster", "down", "--data", dir.toString());
                LocalCluster.killLeftovers(node(0), node(1), node(2));
            }
        } finally {
            if (savedJavaOpts == null) {
                System.clearProperty(JAVA_OPTS);
            } else {
                System.setProperty(JAVA_OPTS, savedJavaOpts);
            }
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aListingOf5000KeysWithOneNodeDownReturnsEveryKeyOnceInOrder() throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String key = expected.get(i);
                S3Client c = s3[i % NODES];
                puts.add(pool.submit(() -> c.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(key))));
            }
            for (String key : doomed) {
                puts.add(pool.submit(() -> s3[0].putObject(r -> r.bucket(TOMB).key(key), RequestBody.fromString(key))));
            }
            for (Future<?> f : puts) {
                f.get(3, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("PUT %d keys (12 clients, 3 gateways) in %.1f s%n", expected.size() + doomed.size(),
                (System.nanoTime() - t0) / 1e9);

        kill9(2);
        for (int gw = 0; gw < 2; gw++) {
            int g = gw;
            long l0 = System.nanoTime();
            List<String> v2 = new ArrayList<>();
            s3[g].listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().forEach(o -> v2.add(o.key()));
            System.out.printf("ListObjectsV2 of %d keys through n%d with n3 down: %.2f s%n", v2.size(), g + 1,
                    (System.nanoTime() - l0) / 1e9);
            assertSameKeys(expected, v2, "ListObjectsV2 (max-keys 1000) through n" + (g + 1));
        }

        long l1 = System.nanoTime();
        List<String> small = new ArrayList<>();
        int pages = 0;
        for (ListObjectsV2Response page : s3[1].listObjectsV2Paginator(r -> r.bucket(BUCKET).maxKeys(97))) {
            assertTrue(page.keyCount() <= 97, "page of " + page.keyCount());
            page.contents().forEach(o -> small.add(o.key()));
            pages++;
        }
        System.out.printf("ListObjectsV2 max-keys 97: %d pages in %.2f s%n", pages, (System.nanoTime() - l1) / 1e9);
        assertSameKeys(expected, small, "ListObjectsV2 (max-keys 97) through n2");

        List<String> v1 = new ArrayList<>();
        String marker = null;
        for (int i = 0; i < 100; i++) {
            String m = marker;
            ListObjectsResponse page = s3[0].listObjects(r -> r.bucket(BUCKET).maxKeys(333).marker(m));
            page.contents().forEach(o -> v1.add(o.key()));
            if (!page.isTruncated()) {
                break;
            }
            marker = page.contents().get(page.contents().size() - 1).key();
        }
        assertSameKeys(expected, v1, "ListObjects v1 (marker, max-keys 333) through n1");

        List<String> versions = new ArrayList<>();
        s3[1].listObjectVersionsPaginator(r -> r.bucket(BUCKET).maxKeys(250)).versions()
                .forEach(v -> versions.add(v.key()));
        assertSameKeys(expected, versions, "ListObjectVersions (max-keys 250) through n2");

        // Delimiter: the root rolls up into the prefixes' first segments plus the loose keys.
        Set<String> rootPrefixes = new TreeSet<>(UTF8);
        List<String> rootKeys = new ArrayList<>();
        List<String> rootOrder = new ArrayList<>();
        for (ListObjectsV2Response page : s3[0].listObjectsV2Paginator(r -> r.bucket(BUCKET).delimiter("/").maxKeys(100))) {
            // Contents and CommonPrefixes are two lists per page: the page's entries merged in order.
            List<String> entries = new ArrayList<>();
            page.contents().forEach(o -> {
                rootKeys.add(o.key());
                entries.add(o.key());
            });
            for (CommonPrefix cp : page.commonPrefixes()) {
                assertTrue(rootPrefixes.add(cp.prefix()), "common prefix " + cp.prefix() + " twice");
                entries.add(cp.prefix());
            }
            assertTrue(entries.size() <= 100, "page of " + entries.size());
            entries.sort(UTF8);
            rootOrder.addAll(entries);
        }
        Set<String> wantPrefixes = new TreeSet<>(UTF8);
        List<String> wantRootKeys = new ArrayList<>();
        for (String k : expected) {
            int slash = k.indexOf('/');
            if (slash >= 0) {
                wantPrefixes.add(k.substring(0, slash + 1));
            } else {
                wantRootKeys.add(k);
            }
        }
        assertEquals(wantPrefixes, rootPrefixes, "common prefixes at the root");
        assertSameKeys(wantRootKeys, rootKeys, "keys at the root with delimiter /");
        List<String> sortedRoot = new ArrayList<>(rootOrder);
        sortedRoot.sort(UTF8);
        assertEquals(sortedRoot, rootOrder, "delimiter listing out of order");

        List<String> underA = new ArrayList<>();
        List<String> underAPrefixes = new ArrayList<>();
        for (ListObjectsV2Response page : s3[1].listObjectsV2Paginator(
                r -> r.bucket(BUCKET).prefix("a/").delimiter("/").maxKeys(50))) {
            page.contents().forEach(o -> underA.add(o.key()));
            page.commonPrefixes().forEach(cp -> underAPrefixes.add(cp.prefix()));
        }
        assertEquals(List.of("a/b/"), underAPrefixes);
        assertSameKeys(expected.stream().filter(k -> k.startsWith("a/") && k.indexOf('/', 2) < 0).toList(), underA,
                "prefix a/ with delimiter /");

        String nonAscii = "\ud83d\ude00/";
        List<String> emoji = new ArrayList<>();
        s3[0].listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(nonAscii).maxKeys(41)).contents()
                .forEach(o -> emoji.add(o.key()));
        assertSameKeys(expected.stream().filter(k -> k.startsWith(nonAscii)).toList(), emoji, "prefix " + nonAscii);
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void keysDeletedWhileANodeWasDownDoNotComeBackAndTheirTombstonesArePurgedEverywhere() throws Exception {
        assertFalse(LocalCluster.alive(LocalCluster.pid(node(2))), "n3 should still be down from the listing test");
        List<String> single = doomed.subList(0, doomed.size() / 2);
        List<String> batch = doomed.subList(doomed.size() / 2, doomed.size());
        for (String key : single) {
            s3[0].deleteObject(r -> r.bucket(TOMB).key(key));
        }
        var result = s3[1].deleteObjects(r -> r.bucket(TOMB).delete(d -> d.objects(
                batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList())));
        assertTrue(result.errors().isEmpty(), "DeleteObjects errors: " + result.errors());
        assertEquals(batch.size(), result.deleted().size());
        // The tombstones are there on the live nodes: what disappears later is the purge's doing.
        for (String key : doomed) {
            Optional<NeedleRecord> r = internalClient(0).head(NeedleKey.object(TOMB, key));
            assertTrue(r.isPresent() && r.get().tombstone(), key + " has no tombstone on n1");
        }
        long stale = 0;

        long t0 = System.nanoTime();
        start(2);
        // n3 comes back holding every doomed key: only the newest version (the tombstone) may win.
        for (String key : doomed) {
            Optional<NeedleRecord> r = internalClient(2).head(NeedleKey.object(TOMB, key));
            stale += r.isPresent() && !r.get().tombstone() ? 1 : 0;
        }
        System.out.println("doomed keys still live on the restarted n3: " + stale + " of " + doomed.size());
        assertGoneEverywhere("right after n3 returned");
        assertTrue(waitForEmptyRepairQueue(Duration.ofSeconds(120)), "repair queues never drained");
        assertGoneEverywhere("after the repair queues drained");

        // The purge: every replica holds the tombstones, which are past their grace period soon.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS + 90);
        boolean purged = false;
        while (!purged && System.nanoTime() < deadline) {
            purged = true;
            for (int n = 0; n < NODES && purged; n++) {
                for (String key : doomed) {
                    if (internalClient(n).head(NeedleKey.object(TOMB, key)).isPresent()) {
                        purged = false;
                        break;
                    }
                }
            }
            if (!purged) {
                Thread.sleep(1000);
            }
        }
        long total = 0;
        for (int n = 0; n < NODES; n++) {
            total += metric(n, "needlestack_tombstones_purged_total");
        }
        System.out.printf("tombstones purged on all 3 nodes %.1f s after n3 returned (grace %d s): counters sum %d%n",
                (System.nanoTime() - t0) / 1e9, GRACE_SECONDS, total);
        assertTrue(purged, "some tombstone was still stored after the grace period");
        assertTrue(total >= (long) doomed.size() * NODES, "purge counters sum to " + total);
        assertGoneEverywhere("after the purge");
        // A while later (several purge passes, repair queue rounds): still gone, and the rest intact.
        Thread.sleep(5000);
        assertGoneEverywhere("a while after the purge");
        for (int n = 0; n < NODES; n++) {
            for (String key : doomed) {
                assertTrue(internalClient(n).head(NeedleKey.object(TOMB, key)).isEmpty(), key + " reappeared on n" + (n + 1));
            }
        }
        List<String> listed = new ArrayList<>();
        s3[2].listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().forEach(o -> listed.add(o.key()));
        assertSameKeys(expected, listed, "ListObjectsV2 through the returned n3");
    }

    private void assertGoneEverywhere(String when) {
        for (int gw = 0; gw < NODES; gw++) {
            S3Client c = s3[gw];
            for (String key : doomed) {
                assertThrows(NoSuchKeyException.class, () -> c.getObjectAsBytes(r -> r.bucket(TOMB).key(key)),
                        key + " came back through n" + (gw + 1) + " " + when);
            }
            List<String> listed = c.listObjectsV2Paginator(r -> r.bucket(TOMB)).contents().stream()
                    .map(S3Object::key).toList();
            assertEquals(List.of(), listed, "deleted keys listed through n" + (gw + 1) + " " + when);
            List<String> versions = new ArrayList<>();
            c.listObjectVersionsPaginator(r -> r.bucket(TOMB)).versions().forEach(v -> versions.add(v.key()));
            assertEquals(List.of(), versions, "deleted keys in ListObjectVersions through n" + (gw + 1) + " " + when);
        }
    }

    /**
     * Conditional writes across gateways: writers on all three gateways race to create each key
     * with {@code If-None-Match: *}; exactly one wins per key (the gateways share the key's write
     * lock through Hazelcast; a lock per gateway would let one writer per gateway win), the others
     * get 412 or 409, and every gateway then reads the winner's body. An {@code If-Match} write
     * through another gateway with the winner's ETag replaces it; one with a stale ETag does not.
     */
    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void conditionalCreatesRacingThroughEveryGatewayHaveOneWinner() throws Exception {
        s3[0].createBucket(b -> b.bucket(LOCKS));
        int perGateway = 3;
        ExecutorService pool = Executors.newFixedThreadPool(NODES * perGateway);
        long refused = 0;
        try {
            for (int k = 0; k < 10; k++) {
                String key = "lock-" + k;
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Integer>> writers = new ArrayList<>();
                for (int w = 0; w < NODES * perGateway; w++) {
                    S3Client c = s3[w % NODES];
                    String body = ("writer " + w + " ").repeat(64 * 1024 / 9);
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        go.await();
                        try {
                            c.putObject(r -> r.bucket(LOCKS).key(key).ifNoneMatch("*"), RequestBody.fromString(body));
                            return writer;
                        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                            assertTrue(e.statusCode() == 412 || e.statusCode() == 409, key + ": " + e.getMessage());
                            return -1;
                        }
                    }));
                }
                go.countDown();
                List<Integer> won = new ArrayList<>();
                for (Future<Integer> f : writers) {
                    int r = f.get(60, TimeUnit.SECONDS);
                    if (r >= 0) {
                        won.add(r);
                    } else {
                        refused++;
                    }
                }
                assertEquals(1, won.size(), key + " was created by writers " + won);
                for (S3Client c : s3) {
                    assertTrue(c.getObjectAsBytes(r -> r.bucket(LOCKS).key(key)).asUtf8String()
                            .startsWith("writer " + won.get(0) + " "), key + " does not hold its winner's body");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("conditional creates: 10 keys, 1 winner each, " + refused + " refused");
        String etag = s3[0].headObject(r -> r.bucket(LOCKS).key("lock-0")).eTag();
        s3[1].putObject(r -> r.bucket(LOCKS).key("lock-0").ifMatch(etag), RequestBody.fromString("released"));
        var stale = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                () -> s3[2].putObject(r -> r.bucket(LOCKS).key("lock-0").ifMatch(etag), RequestBody.fromString("late")));
        assertEquals(412, stale.statusCode());
        assertEquals("released", s3[2].getObjectAsBytes(r -> r.bucket(LOCKS).key("lock-0")).asUtf8String());
    }

    /** Exactly the expected keys, each once, in UTF-8 byte order. */
    private static void assertSameKeys(List<String> want, List<String> got, String what) {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < got.size(); i++) {
            assertTrue(seen.add(got.get(i)), what + ": " + got.get(i) + " listed twice");
            if (i > 0) {
                assertTrue(UTF8.compare(got.get(i - 1), got.get(i)) < 0,
                        what + ": " + got.get(i - 1) + " before " + got.get(i));
            }
        }
        if (!want.equals(got)) {
            List<String> missing = new ArrayList<>(want);
            missing.removeAll(seen);
            List<String> extra = new ArrayList<>(got);
            extra.removeAll(Set.copyOf(want));
            throw new AssertionError(what + ": " + got.size() + " keys, want " + want.size() + "; missing "
                    + missing.subList(0, Math.min(10, missing.size())) + ", extra "
                    + extra.subList(0, Math.min(10, extra.size())));
        }
    }

    private Path node(int i) {
        return dir.resolve("n" + (i + 1));
    }

    private void kill9(int i) throws Exception {
        LocalCluster.kill9(node(i));
    }

    private void start(int i) throws Exception {
        LocalCluster.Result r = LocalCluster.script("start", "--data", node(i).toString(), "--wait", "240");
        assertEquals(0, r.exit(), r.output());
    }

    private String health(int i) {
        return LocalCluster.health(port + i);
    }

    private boolean waitForRing(Duration bound) throws InterruptedException {
        return LocalCluster.waitForRing(port, NODES, NODES, bound);
    }

    private long metric(int i, String name) throws Exception {
        return LocalCluster.metric(port + i, name);
    }

    private boolean waitForEmptyRepairQueue(Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            long depth = 0;
            for (int i = 0; i < NODES; i++) {
                depth += metric(i, "needlestack_repair_queue_depth");
            }
            if (depth == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private InternalNeedleClient internalClient(int i) {
        return new InternalNeedleClient(URI.create("http://127.0.0.1:" + (port + 2000 + i)),
                ClusterSecret.auth(node(i)), INTERNAL_HTTP, Duration.ofSeconds(10));
    }
}
