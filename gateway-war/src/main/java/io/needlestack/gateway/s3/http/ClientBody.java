package io.needlestack.gateway.s3.http;

import io.needlestack.gateway.s3.auth.S3PayloadException;
import io.needlestack.gateway.s3.error.S3ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * The client's request body as read from its connection. A failure to read it is the client's
 * (it closed the connection before the declared length, or stopped sending until the container's
 * read timeout), never the store's: it surfaces as an {@link S3PayloadException}, which every layer
 * that copies the body carries as the cause of its own failure, so the answer is
 * {@code 400 IncompleteBody} or {@code 400 RequestTimeout}, as S3 answers, instead of
 * {@code 503} with a warning that storage is unavailable (or a 500 in a cluster).
 */
final class ClientBody extends FilterInputStream {

    ClientBody(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (S3PayloadException e) {
            throw e;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (S3PayloadException e) {
            throw e;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (S3PayloadException e) {
            throw e;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** The S3 failure a broken read of the client's connection stands for. */
    static S3PayloadException broken(IOException e) {
        S3PayloadException p = timedOut(e)
                ? new S3PayloadException(S3ErrorCode.REQUEST_TIMEOUT)
                : new S3PayloadException(S3ErrorCode.INCOMPLETE_BODY);
        p.initCause(e);
        return p;
    }

    private static boolean timedOut(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof SocketTimeoutException || x instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
