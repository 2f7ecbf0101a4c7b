package io.needlestack.gateway.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose every read is bounded in time: a peer that
 * sends its headers and then stalls makes {@link #read} fail after the idle bound with an
 * {@link HttpTimeoutException}, instead of blocking the reader forever (which
 * {@code BodyHandlers.ofInputStream()} would). Available as soon as the headers are, like that
 * one, and with the same back-pressure: one more list of buffers is requested only when the
 * previous one was taken.
 */
final class IdleBoundedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final long idleNanos;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private Iterator<ByteBuffer> buffers;
    private ByteBuffer current;
    private boolean ended;
    private volatile boolean closed;

    private IdleBoundedBody(long idleNanos) {
        this.idleNanos = idleNanos;
    }

    /** A body handler giving streams whose reads wait at most {@code idle} for data. */
    static HttpResponse.BodyHandler<InputStream> handler(java.time.Duration idle) {
        long nanos = idle.toNanos();
        return info -> new IdleBoundedBody(nanos);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.complete(s) || closed) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (buffers != null && buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) {
                return -1;
            }
            Object item;
            try {
                item = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for data");
            }
            if (item == null) {
                cancel();
                throw new HttpTimeoutException("no data for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms");
            }
            if (item == END) {
                ended = true;
                return -1;
            }
            if (item instanceof Throwable t) {
                ended = true;
                throw t instanceof IOException io ? io : new IOException(t);
            }
            buffers = ((List<ByteBuffer>) item).iterator();
            subscription.join().request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!ended) {
                cancel();
            }
        }
    }

    private void cancel() {
        // Cancelling makes the client drop the connection instead of reading a body nobody wants.
        Flow.Subscription s = subscription.getNow(null);
        if (s != null) {
            s.cancel();
        }
    }
}
