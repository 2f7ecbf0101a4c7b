package io.needlestack.bench.load;

import io.needlestack.bench.options.BenchOptions;
import io.needlestack.bench.options.Target;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The one client configuration every target gets, so that a comparison measures servers, not
 * clients: Apache HTTP client with a connection per thread, no retries (a retry would hide a
 * failure and flatter the latency), checksums only when required unless {@code --checksum}.
 */
final class S3Clients {

  private S3Clients() {
  }

  static S3Client create(Target target, BenchOptions options) {
    RequestChecksumCalculation checksum = options.checksum()
        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED;
    ResponseChecksumValidation validation = options.checksum()
        ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED;
    return S3Client.builder()
        .endpointOverride(target.endpoint())
        .region(Region.of(options.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(options.accessKey(), options.secretKey())))
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(options.pathStyle())
            .build())
        .requestChecksumCalculation(checksum)
        .responseChecksumValidation(validation)
        .httpClient(ApacheHttpClient.builder()
            .maxConnections(options.threads() + 4)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(300))
            .build())
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofMinutes(10)))
        .build();
  }

  static S3Presigner presigner(Target target, BenchOptions options) {
    return S3Presigner.builder()
        .endpointOverride(target.endpoint())
        .region(Region.of(options.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(options.accessKey(), options.secretKey())))
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(options.pathStyle()).build())
        .build();
  }
}
