package io.needlestack.gateway.s3.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.gateway.s3.error.S3ErrorCode;
import io.needlestack.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.Test;

/** {@code x-amz-copy-source-range} as UploadPartCopy reads it: stricter than a GET's Range. */
class UploadPartCopyRangeTest {

    @Test
    void wholeSourceWithoutTheHeader() {
        assertEquals(new ByteRange(0, 99), UploadPartCopy.range(null, 100));
        assertEquals(0, UploadPartCopy.range(null, 0).length());
    }

    @Test
    void firstToLastInclusive() {
        assertEquals(new ByteRange(0, 0), UploadPartCopy.range("bytes=0-0", 100));
        assertEquals(new ByteRange(10, 99), UploadPartCopy.range(" bytes=10-99 ", 100));
        assertEquals(90, UploadPartCopy.range("bytes=10-99", 100).length());
    }

    @Test
    void formsAGetWouldAcceptAreRefused() {
        for (String h : new String[] {"bytes=10-", "bytes=-10", "bytes=0-1,3-4", "items=0-1", "bytes=a-b", "0-1", ""}) {
            S3Exception e = assertThrows(S3Exception.class, () -> UploadPartCopy.range(h, 100), h);
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.errorCode(), h);
            assertTrue(e.getMessage().contains("bytes=first-last"), e.getMessage());
        }
    }

    @Test
    void outsideTheSourceIsRefused() {
        for (String h : new String[] {"bytes=0-100", "bytes=100-100", "bytes=5-4"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> UploadPartCopy.range(h, 100), h);
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.errorCode(), h);
            assertTrue(e.getMessage().contains("size: 100"), e.getMessage());
        }
        assertThrows(S3Exception.class, () -> UploadPartCopy.range("bytes=0-0", 0));
    }
}
