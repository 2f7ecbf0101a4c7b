package io.needlestack.it.s3;

/**
 * The ways the AWS SDK for Java v2 sends a request body over plain HTTP; together they produce
 * every {@code x-amz-content-sha256} form the SDK uses.
 */
enum ClientVariant {
  /**
   * The SDK default: checksum {@code WHEN_SUPPORTED}, aws-chunked encoding with a CRC32 trailer,
   * i.e. {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER} over HTTP.
   */
  DEFAULT_TRAILER,
  /**
   * {@code requestChecksumCalculation(WHEN_REQUIRED)}: aws-chunked without a trailer,
   * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}.
   */
  WHEN_REQUIRED,
  /**
   * Chunked encoding disabled: the whole payload is signed as a hex SHA-256, with the CRC32 in an
   * {@code x-amz-checksum-crc32} header.
   */
  SIGNED_PAYLOAD
}
