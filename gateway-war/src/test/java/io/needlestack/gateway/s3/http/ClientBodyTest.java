package io.needlestack.gateway.s3.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.needlestack.gateway.s3.auth.S3PayloadException;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ClientBodyTest {

    /** A connection that delivers a few bytes, then fails as given. */
    private static InputStream failingAfter(int bytes, IOException failure) {
        return new InputStream() {
            private int left = bytes;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw failure;
            }
        };
    }

    private static S3PayloadException readAll(InputStream in) {
        return assertThrows(S3PayloadException.class, () -> in.readAllBytes());
    }

    @Test
    void aClosedConnectionIsAnIncompleteBody() {
        S3PayloadException e = readAll(new ClientBody(failingAfter(3, new EOFException())));
        assertEquals(S3ErrorCode.INCOMPLETE_BODY, e.errorCode());
    }

    @Test
    void aClientThatStoppedSendingIsARequestTimeout() {
        // Grizzly's read timeout: an IOException around a TimeoutException
        S3PayloadException e = readAll(new ClientBody(failingAfter(3, new IOException(new TimeoutException()))));
        assertEquals(S3ErrorCode.REQUEST_TIMEOUT, e.errorCode());
    }

    @Test
    void payloadFailuresPassUnchanged() {
        S3PayloadException bad = new S3PayloadException(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH);
        assertSame(bad, readAll(new ClientBody(failingAfter(0, bad))));
    }
}
