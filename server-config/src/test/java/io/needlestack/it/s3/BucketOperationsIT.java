package io.needlestack.it.s3;

import static io.needlestack.it.s3.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.GetBucketLocationResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Bucket lifecycle through the AWS SDK v2: create, head, list, locate, delete. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BucketOperationsIT extends S3TestSupport {

  @Test
  void createHeadListDeleteWithoutLocationConstraint() {
    String b = bucketName("plain");
    s3.createBucket(r -> r.bucket(b));
    s3.headBucket(r -> r.bucket(b));
    ListBucketsResponse list = s3.listBuckets();
    assertTrue(list.buckets().stream().anyMatch(x -> x.name().equals(b)), list.toString());
    list.buckets().stream().filter(x -> x.name().equals(b))
        .forEach(x -> assertNotNull(x.creationDate(), "CreationDate of " + b));
    assertNotNull(list.owner(), "ListBuckets Owner");
    GetBucketLocationResponse loc = s3.getBucketLocation(r -> r.bucket(b));
    // us-east-1 is reported as an empty LocationConstraint.
    assertTrue(loc.locationConstraintAsString() == null
        || loc.locationConstraintAsString().isEmpty()
        || loc.locationConstraintAsString().equals("us-east-1"), loc.toString());
    s3.deleteBucket(r -> r.bucket(b));
    assertS3Error(404, null, () -> s3.headBucket(r -> r.bucket(b)));
    assertS3Error(404, "NoSuchBucket", () -> s3.deleteBucket(r -> r.bucket(b)));
    assertTrue(s3.listBuckets().buckets().stream().noneMatch(x -> x.name().equals(b)));
  }

  @Test
  void createWithTheNodesOwnRegion() {
    String b = bucketName("located");
    // The node's own region is the one a client may name; us-east-1 has no constraint in S3.
    if (node.region().equals("us-east-1")) {
      s3.createBucket(r -> r.bucket(b));
    } else {
      s3.createBucket(r -> r.bucket(b).createBucketConfiguration(c -> c
          .locationConstraint(BucketLocationConstraint.fromValue(node.region()))));
    }
    s3.headBucket(r -> r.bucket(b));
    s3.deleteBucket(r -> r.bucket(b));
  }

  @Test
  void createWithExplicitLocationConstraint() {
    Target.assumeSupportedByTarget("s3proxy's filesystem back-end accepts any LocationConstraint "
        + "and reports an empty location for every bucket");
    String b = bucketName("eu");
    // S3 either creates the bucket in that region and reports it, or refuses a region the
    // service does not serve; it never ignores the constraint silently.
    try {
      s3.createBucket(r -> r.bucket(b).createBucketConfiguration(c -> c
          .locationConstraint(BucketLocationConstraint.EU_WEST_1)));
    } catch (S3Exception e) {
      String code = e.awsErrorDetails().errorCode();
      assertEquals(400, e.statusCode(), e.toString());
      assertTrue(code.equals("IllegalLocationConstraintException")
          || code.equals("InvalidLocationConstraint"), code);
      assertS3Error(404, null, () -> s3.headBucket(r -> r.bucket(b)));
      return;
    }
    try {
      assertEquals("eu-west-1",
          s3.getBucketLocation(r -> r.bucket(b)).locationConstraintAsString());
    } finally {
      s3.deleteBucket(r -> r.bucket(b));
    }
  }

  @Test
  void deleteNonEmptyBucketIsRefused() {
    String b = createBucket("nonempty");
    s3.putObject(r -> r.bucket(b).key("k"), RequestBody.fromString("x"));
    assertS3Error(409, "BucketNotEmpty", () -> s3.deleteBucket(r -> r.bucket(b)));
    s3.headBucket(r -> r.bucket(b));
    s3.deleteObject(r -> r.bucket(b).key("k"));
    s3.deleteBucket(r -> r.bucket(b));
    assertS3Error(404, "NoSuchBucket", () -> s3.listObjectsV2(r -> r.bucket(b)));
  }

  @Test
  void createExistingOwnBucketAnswersAlreadyOwnedByYou() {
    String b = createBucket("twice");
    try {
      assertS3Error(409, "BucketAlreadyOwnedByYou", () -> s3.createBucket(r -> r.bucket(b)));
    } finally {
      s3.deleteBucket(r -> r.bucket(b));
    }
  }

  @Test
  void listBucketsIsSortedByName() {
    List<String> made = List.of(createBucket("zz"), createBucket("aa"), createBucket("mm"));
    try {
      List<String> names = s3.listBuckets().buckets().stream().map(x -> x.name()).toList();
      assertEquals(names.stream().sorted().toList(), names);
      assertTrue(names.containsAll(made), names.toString());
    } finally {
      made.forEach(b -> s3.deleteBucket(r -> r.bucket(b)));
    }
  }
}
