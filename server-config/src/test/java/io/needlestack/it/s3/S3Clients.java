package io.needlestack.it.s3;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds AWS SDK v2 clients for a {@link NodeUnderTest}: path style, no retries, bounded. */
final class S3Clients {

  private S3Clients() {
  }

  static S3Client create(NodeUnderTest node, ClientVariant variant) {
    return create(node, variant, node.accessKey(), node.secretKey());
  }

  static S3Client create(NodeUnderTest node, ClientVariant variant, String accessKey,
      String secretKey) {
    return create(node, variant, accessKey, secretKey, new ExecutionInterceptor() { });
  }

  /** As {@link #create(NodeUnderTest, ClientVariant)}, with an extra interceptor to observe. */
  static S3Client create(NodeUnderTest node, ClientVariant variant,
      ExecutionInterceptor observer) {
    return create(node, variant, node.accessKey(), node.secretKey(), observer);
  }

  private static S3Client create(NodeUnderTest node, ClientVariant variant, String accessKey,
      String secretKey, ExecutionInterceptor observer) {
    return S3Client.builder()
        .endpointOverride(node.endpoint())
        .region(Region.of(node.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secretKey)))
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(true)
            .chunkedEncodingEnabled(variant != ClientVariant.SIGNED_PAYLOAD)
            .build())
        .requestChecksumCalculation(variant == ClientVariant.WHEN_REQUIRED
            ? RequestChecksumCalculation.WHEN_REQUIRED
            : RequestChecksumCalculation.WHEN_SUPPORTED)
        .httpClient(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(120))
            .maxConnections(32)
            .build())
        .overrideConfiguration(o -> o
            // A retry would hide a 500 or a dropped connection: every test sees the first answer.
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofMinutes(6))
            .addExecutionInterceptor(new RequestIdCheck())
            .addExecutionInterceptor(observer))
        .build();
  }

  static S3Presigner presigner(NodeUnderTest node) {
    return S3Presigner.builder()
        .endpointOverride(node.endpoint())
        .region(Region.of(node.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(node.accessKey(), node.secretKey())))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  /** S3 puts {@code x-amz-request-id} on every response, errors included; so must the server. */
  static final class RequestIdCheck implements ExecutionInterceptor {
    @Override
    public void afterTransmission(Context.AfterTransmission context,
        ExecutionAttributes attributes) {
      if (context.httpResponse().firstMatchingHeader("x-amz-request-id").isEmpty()) {
        throw new IllegalStateException("response without x-amz-request-id to "
            + context.httpRequest().method() + " " + context.httpRequest().encodedPath()
            + ": status " + context.httpResponse().statusCode()
            + ", headers " + context.httpResponse().headers());
      }
    }
  }
}
