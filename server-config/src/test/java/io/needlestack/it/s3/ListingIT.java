package io.needlestack.it.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * ListObjects V1, V2 and ListObjectVersions over more than 1,000 keys under several prefixes,
 * some with spaces and non-ASCII characters: paging, delimiters, markers and URL encoding.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListingIT extends S3TestSupport {

  private static final String[] PREFIXES = {"alpha/", "beta/sub/", "gamma delta/", "ünï/", ""};
  private static final int KEYS = 1_050;
  /** S3 lists in the binary order of the UTF-8 encoded keys. */
  static final Comparator<String> S3_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private String bucket;
  private final List<String> keys = new ArrayList<>();

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void fill() throws Exception {
    bucket = createBucket("listing");
    for (int i = 0; i < KEYS; i++) {
      String suffix = i % 7 == 0 ? " sp ü€" : i % 11 == 0 ? "+plus&amp" : "";
      keys.add(PREFIXES[i % PREFIXES.length] + String.format("k%04d", i) + suffix);
    }
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String k : keys) {
        done.add(pool.submit(() -> s3.putObject(r -> r.bucket(bucket).key(k),
            RequestBody.fromString(k))));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("[e2e] ListingIT: %d PUTs in %.1f s%n", KEYS, (System.nanoTime() - t0) / 1e9);
    keys.sort(S3_ORDER);
  }

  private List<String> expectedUnder(String prefix) {
    return keys.stream().filter(k -> k.startsWith(prefix)).toList();
  }

  @Test
  void v2PagesEveryKeyExactlyOnceInOrder() {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).maxKeys(100)
          .continuationToken(t));
      pages++;
      assertEquals(100, page.maxKeys());
      assertTrue(page.contents().size() <= 100, "page over max-keys");
      assertEquals(page.contents().size(), page.keyCount());
      page.contents().forEach(o -> seen.add(o.key()));
      token = page.isTruncated() ? page.nextContinuationToken() : null;
      if (page.isTruncated()) {
        assertNotNull(token, "truncated page without NextContinuationToken");
      }
    } while (token != null && pages < 100);
    assertEquals(keys, seen, "all keys once, in S3 order");
    assertEquals((KEYS + 99) / 100, pages);
  }

  @Test
  void v2DelimiterGivesCommonPrefixesAcrossPages() {
    Set<String> prefixes = new LinkedHashSet<>();
    List<String> contents = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).delimiter("/")
          .maxKeys(50).continuationToken(t));
      pages++;
      assertTrue(page.contents().size() + page.commonPrefixes().size() <= 50);
      page.contents().forEach(o -> contents.add(o.key()));
      for (CommonPrefix p : page.commonPrefixes()) {
        assertTrue(prefixes.add(p.prefix()), "common prefix twice: " + p.prefix());
      }
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null && pages < 100);
    assertEquals(new TreeSet<>(Set.of("alpha/", "beta/", "gamma delta/", "ünï/")),
        new TreeSet<>(prefixes));
    assertEquals(keys.stream().filter(k -> !k.contains("/")).toList(), contents);

    ListObjectsV2Response beta = s3.listObjectsV2(r -> r.bucket(bucket).prefix("beta/")
        .delimiter("/"));
    assertEquals(List.of("beta/sub/"), beta.commonPrefixes().stream()
        .map(CommonPrefix::prefix).toList());
    assertTrue(beta.contents().isEmpty());
    assertFalse(beta.isTruncated());
  }

  @Test
  void v2StartAfterAndPrefix() {
    List<String> alpha = expectedUnder("alpha/");
    String after = alpha.get(99);
    ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix("alpha/")
        .startAfter(after).maxKeys(1000));
    assertEquals(alpha.subList(100, alpha.size()),
        page.contents().stream().map(S3Object::key).toList());
    assertEquals(after, page.startAfter());
    assertFalse(page.isTruncated());
  }

  @Test
  void v2FetchOwner() {
    ListObjectsV2Response with = s3.listObjectsV2(r -> r.bucket(bucket).prefix("alpha/")
        .maxKeys(3).fetchOwner(true));
    with.contents().forEach(o -> assertNotNull(o.owner(), "fetch-owner=true: " + o));
    with.contents().forEach(o -> assertNotNull(o.owner().id(), "owner ID: " + o));
    ListObjectsV2Response without = s3.listObjectsV2(r -> r.bucket(bucket).prefix("alpha/")
        .maxKeys(3));
    without.contents().forEach(o -> assertNull(o.owner(), "fetch-owner absent: " + o));
  }

  @Test
  void v2UrlEncodingRoundTripsOddKeys() {
    // The SDK decodes encoding-type=url answers itself, so the keys must come back intact.
    List<String> gamma = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix("gamma delta/")
          .encodingType(EncodingType.URL).maxKeys(70).continuationToken(t));
      page.contents().forEach(o -> gamma.add(o.key()));
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    assertEquals(expectedUnder("gamma delta/"), gamma);

    // On the wire the keys are URL-encoded.
    RawHttp.Response raw = new RawS3(node).send("GET", "/" + bucket
        + "?list-type=2&encoding-type=url&max-keys=5&prefix="
        + URLEncoder.encode("ünï/", StandardCharsets.UTF_8), Map.of(), null,
        RawS3.PayloadForm.HEX_SHA256);
    assertEquals(200, raw.status(), raw.toString());
    assertTrue(raw.text().contains("<EncodingType>url</EncodingType>"), raw.toString());
    assertTrue(raw.text().contains("<Key>%C3%BCn%C3%AF/k0"), raw.toString());
    assertFalse(raw.text().contains("<Key>ünï/"), raw.toString());
  }

  @Test
  void v1MarkersAndNextMarker() {
    List<String> seen = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      String m = marker;
      ListObjectsResponse page = s3.listObjects(r -> r.bucket(bucket).maxKeys(200).marker(m));
      pages++;
      page.contents().forEach(o -> seen.add(o.key()));
      // Without a delimiter S3 may omit NextMarker: the last key is the next marker.
      marker = page.isTruncated() ? page.contents().get(page.contents().size() - 1).key() : null;
    } while (marker != null && pages < 100);
    assertEquals(keys, seen);

    // With a delimiter a truncated page must carry NextMarker.
    Set<String> prefixesAndKeys = new LinkedHashSet<>();
    marker = null;
    pages = 0;
    do {
      String m = marker;
      ListObjectsResponse page = s3.listObjects(r -> r.bucket(bucket).delimiter("/").maxKeys(100)
          .marker(m));
      pages++;
      page.contents().forEach(o -> assertTrue(prefixesAndKeys.add(o.key()), o.key()));
      page.commonPrefixes().forEach(p -> assertTrue(prefixesAndKeys.add(p.prefix()),
          p.prefix()));
      if (page.isTruncated()) {
        assertNotNull(page.nextMarker(), "truncated V1 page with delimiter needs NextMarker");
      }
      marker = page.isTruncated() ? page.nextMarker() : null;
    } while (marker != null && pages < 100);
    List<String> expected = new ArrayList<>(keys.stream().filter(k -> !k.contains("/")).toList());
    expected.addAll(List.of("alpha/", "beta/", "gamma delta/", "ünï/"));
    expected.sort(S3_ORDER);
    List<String> got = new ArrayList<>(prefixesAndKeys);
    got.sort(S3_ORDER);
    assertEquals(expected, got);
  }

  @Test
  void listObjectVersionsOfUnversionedBucketSaysNull() {
    Target.assumeSupportedByTarget("s3proxy answers ListObjectVersions with 501 NotImplemented");
    List<String> seen = new ArrayList<>();
    String keyMarker = null;
    int pages = 0;
    do {
      String km = keyMarker;
      ListObjectVersionsResponse page = s3.listObjectVersions(r -> r.bucket(bucket)
          .prefix("beta/").maxKeys(100).keyMarker(km));
      pages++;
      page.versions().forEach(v -> {
        assertEquals("null", v.versionId(), v.toString());
        assertTrue(v.isLatest(), v.toString());
        seen.add(v.key());
      });
      assertTrue(page.deleteMarkers().isEmpty());
      keyMarker = page.isTruncated() ? page.nextKeyMarker() : null;
    } while (keyMarker != null && pages < 20);
    assertEquals(expectedUnder("beta/"), seen);
  }
}
