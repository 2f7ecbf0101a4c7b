package io.needlestack.gateway.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The internal plane's HTTP transport: a pooled, blocking HTTP/1.1 client shared by the
 * {@link InternalNeedleClient}s of a node, and a watchdog that bounds each call in time.
 *
 * <p>Blocking on purpose. Every replica call already runs on a thread of its own (the gateway's
 * replica pool), so that thread can write the request and read the answer itself. The JDK's
 * {@code java.net.http.HttpClient}, used before, hands every request to its selector thread and
 * every answer back to an executor: on the coordinating node of a three-node cluster those
 * hand-offs (condition signals, futex waits, the selector's wake-ups) were 31 % of its CPU under
 * 4 KiB PUTs, measured with async-profiler.
 *
 * <p>Time bounds: connecting is bounded by the connect timeout given here. A call is bounded by
 * its deadline until the answer's headers arrive: the watchdog cancels the request, which closes
 * its connection, and so also frees a thread blocked writing a body to a peer that stopped
 * reading (a blocking socket write has no timeout of its own). After the headers, every read of
 * the body waits at most the call's idle bound (the socket timeout). Nothing is retried here,
 * redirects are not followed, and no cookies, authentication state or compression are kept
 * (Apache HttpClient's minimal client).
 *
 * <p>Thread-safe. {@link #close()} closes the pooled connections and stops the watchdog.
 */
public final class InternalHttp implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int WRITE_BUFFER = 64 * 1024;

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor watchdog;

    private InternalHttp(Duration connectTimeout) {
        pool = PoolingHttpClientConnectionManagerBuilder.create()
                // Calls in flight are bounded by the gateway's replica slots and thread pool; the
                // pool must not add a second, smaller bound with its own queue.
                .setMaxConnPerRoute(1024)
                .setMaxConnTotal(4096)
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setConnPoolPolicy(PoolReusePolicy.LIFO)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                // Headers and a small body leave in one write: by default a body written in 4 KiB
                // pieces bypasses the buffer, so a 4 KiB PUT took two writes and two segments.
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(WRITE_BUFFER).setChunkSizeHint(WRITE_BUFFER)
                                .build())
                        .build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        // A connection idle for a second may have been closed by the peer's
                        // keep-alive timeout or a restart: checked before it is used again.
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        // The minimal client: no retries, redirects, cookies, authentication or compression, and
        // none of the execution chain those need.
        client = HttpClients.createMinimal(pool);
        int n = INSTANCES.incrementAndGet();
        watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "needlestack-internal-http-watchdog-" + n);
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        watchdog.scheduleWithFixedDelay(() -> {
            pool.closeExpired();
            pool.closeIdle(TimeValue.ofSeconds(20));
        }, 10, 10, TimeUnit.SECONDS);
    }

    /** A transport whose connections are opened within {@code connectTimeout}. */
    public static InternalHttp create(Duration connectTimeout) {
        return new InternalHttp(Objects.requireNonNull(connectTimeout, "connectTimeout"));
    }

    /** Request settings: every wait for answer bytes (headers or body) at most {@code idle}. */
    static RequestConfig requestConfig(Duration idle) {
        return RequestConfig.custom().setResponseTimeout(Timeout.of(idle))
                .setConnectionRequestTimeout(Timeout.of(idle)).build();
    }

    /**
     * Sends {@code request} and returns once the answer's headers arrived; its body is read by the
     * caller, who must close the answer. Past {@code deadline} without headers, the request is
     * cancelled and this fails.
     *
     * @throws IOException when the peer cannot be reached, fails the exchange, or misses the deadline
     */
    ClassicHttpResponse open(HttpHost host, HttpUriRequestBase request, Duration deadline) throws IOException {
        ScheduledFuture<?> cancel = watchdog.schedule(request::cancel, deadline.toNanos(), TimeUnit.NANOSECONDS);
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(host, request, null);
        } catch (IOException e) {
            cancel.cancel(false);
            if (request.isCancelled()) {
                throw new IOException("no answer within " + deadline.toMillis() + " ms (" + e + ")", e);
            }
            throw e;
        } catch (RuntimeException e) {
            cancel.cancel(false);
            throw e;
        }
        if (!cancel.cancel(false) && request.isCancelled()) {
            // The deadline passed just as the headers came: the connection is being closed under us.
            response.close();
            throw new IOException("no answer within " + deadline.toMillis() + " ms");
        }
        return response;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // Closing sockets that are gone already: nothing to do about it.
        }
    }
}
