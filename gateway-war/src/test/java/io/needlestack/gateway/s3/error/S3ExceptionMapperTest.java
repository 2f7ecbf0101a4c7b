package io.needlestack.gateway.s3.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.needlestack.gateway.s3.auth.S3PayloadException;
import io.needlestack.storage.store.StoreIOException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class S3ExceptionMapperTest {

    private static S3PayloadException clientFailure(S3ErrorCode code, IOException cause) {
        S3PayloadException e = new S3PayloadException(code);
        e.initCause(cause);
        return e;
    }

    @Test
    void aBrokenClientBodyInsideAStoreOrSpoolFailureIsTheClientsError() {
        // The store wraps a failed read of the body in its own retryable exception, a cluster's
        // payload spool in an UncheckedIOException: both answered 503 (or 500), not the client's error.
        S3PayloadException cut = clientFailure(S3ErrorCode.INCOMPLETE_BODY, new EOFException());
        S3PayloadException slow = clientFailure(S3ErrorCode.REQUEST_TIMEOUT, new IOException(new TimeoutException()));
        assertEquals(S3ErrorCode.INCOMPLETE_BODY,
                S3ExceptionMapper.translate(new StoreIOException("reading the data failed", cut), "r").errorCode());
        assertEquals(S3ErrorCode.INCOMPLETE_BODY, S3ExceptionMapper.translate(new UncheckedIOException(cut), "r").errorCode());
        assertEquals(S3ErrorCode.REQUEST_TIMEOUT,
                S3ExceptionMapper.translate(new StoreIOException("reading the data failed", slow), "r").errorCode());
        // a store failure of its own stays unavailable
        assertEquals(S3ErrorCode.SERVICE_UNAVAILABLE,
                S3ExceptionMapper.translate(new StoreIOException("disk", new IOException("EIO")), "r").errorCode());
    }
}
