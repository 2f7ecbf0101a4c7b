package io.needlestack.gateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.needlestack.storage.store.DataLengthException;

/**
 * Holds one payload while it goes out to several replicas: small ones in memory, larger ones in
 * a file under the gateway's data directory (a payload is at most one chunk, so memory stays
 * bounded whatever the object size). Each replica reads its own stream of it.
 */
public final class PayloadSpool {

    private final Path directory;
    private final int memoryBytes;

    /**
     * @param directory   where payloads above {@code memoryBytes} are written
     * @param memoryBytes largest payload held in memory
     */
    public PayloadSpool(Path directory, int memoryBytes) {
        this.directory = directory;
        this.memoryBytes = memoryBytes;
    }

    /** One held payload; close it to release its file. */
    public interface Payload extends AutoCloseable {
        /** A fresh stream over the whole payload. */
        InputStream open() throws IOException;

        /** Its length. */
        long length();

        @Override
        void close();
    }

    /** Reads exactly {@code length} bytes of {@code in} and holds them. */
    public Payload hold(InputStream in, long length) {
        try {
            if (length <= memoryBytes) {
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new DataLengthException("payload ended after " + bytes.length + " of " + length + " bytes");
                }
                return new Payload() {
                    @Override
                    public InputStream open() {
                        return new ByteArrayInputStream(bytes);
                    }

                    @Override
                    public long length() {
                        return length;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            Files.createDirectories(directory);
            Path file = Files.createTempFile(directory, "payload", ".tmp");
            try (OutputStream out = Files.newOutputStream(file)) {
                long copied = in.transferTo(new LimitedOutputStream(out, length));
                if (copied < length) {
                    throw new DataLengthException("payload ended after " + copied + " of " + length + " bytes");
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return new Payload() {
                @Override
                public InputStream open() throws IOException {
                    return Files.newInputStream(file);
                }

                @Override
                public long length() {
                    return length;
                }

                @Override
                public void close() {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses more than the announced length (the caller's stream is bounded by its own length). */
    private static final class LimitedOutputStream extends OutputStream {
        private final OutputStream out;
        private long remaining;

        LimitedOutputStream(OutputStream out, long limit) {
            this.out = out;
            this.remaining = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IOException("payload longer than announced");
            }
            out.write(b, off, len);
            remaining -= len;
        }
    }
}
