package io.needlestack.storage.needle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.needlestack.storage.store.CorruptNeedleException;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import io.needlestack.storage.store.NeedleWrite;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NeedleFormatTest {

    private static final Pattern ROW = Pattern.compile("^\\s*\\*\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*([A-Z0-9_]+)\\s*\\|");

    /** Every row of the javadoc tables names a field whose OFF_ and LEN_ constants must match it. */
    @Test
    void javadocTableMatchesConstants() throws Exception {
        Path source = Path.of("src/main/java/io/needlestack/storage/needle/NeedleFormat.java");
        List<String> checked = new ArrayList<>();
        int previousEnd = -1;
        String section = null;
        for (String line : Files.readAllLines(source)) {
            if (line.contains("<pre>")) {
                section = "table " + checked.size();
                previousEnd = 0;
            }
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            int offset = Integer.parseInt(m.group(1));
            int length = Integer.parseInt(m.group(2));
            String field = m.group(3);
            assertEquals(previousEnd, offset, "table rows are contiguous at " + field + " in " + section);
            assertEquals(offset, constant("OFF_" + field), "OFF_" + field);
            assertEquals(length, constant("LEN_" + field), "LEN_" + field);
            previousEnd = offset + length;
            checked.add(field);
            if (field.equals("SB_PAD")) {
                assertEquals(previousEnd, NeedleFormat.SUPERBLOCK_LENGTH);
            } else if (field.equals("HEADER_CRC")) {
                assertEquals(previousEnd, NeedleFormat.HEADER_LENGTH);
            } else if (field.equals("FOOTER_MAGIC")) {
                assertEquals(previousEnd, NeedleFormat.FOOTER_LENGTH);
            }
        }
        assertEquals(7 + 12 + 4, checked.size(), "rows found: " + checked);
        assertEquals(0, NeedleFormat.HEADER_LENGTH % NeedleFormat.ALIGNMENT);
        assertEquals(0, NeedleFormat.SUPERBLOCK_LENGTH % NeedleFormat.ALIGNMENT);
    }

    private static int constant(String name) throws ReflectiveOperationException {
        Field f = NeedleFormat.class.getDeclaredField(name);
        return f.getInt(null);
    }

    @Test
    void roundTripWithNonAsciiFieldsAndMetadata() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("content-type", "text/plain; charset=utf-8");
        meta.put("x-amz-meta-ümlaut", "välue ☃");
        meta.put("a", "");
        for (int len : new int[] {0, 1, 7, 8, 9, 100, 65536, 200_001}) {
            byte[] data = new byte[len];
            new Random(len).nextBytes(data);
            NeedleWrite w = new NeedleWrite(new NeedleKey(NeedleKind.CHUNK, "bücket", "dir/ключ/😀\n3"), 123456789L + len,
                    "v-" + len, false, meta);
            byte[] needle = encode(w, data, len % 2 == 0);
            assertEquals(0, needle.length % NeedleFormat.ALIGNMENT);
            NeedleFormat.Needle n = NeedleFormat.read(source(needle), 0, needle.length);
            assertEquals("bücket", n.bucket());
            assertEquals("dir/ключ/😀\n3", n.name());
            assertEquals("v-" + len, n.versionId());
            assertEquals(meta, n.metadata());
            assertEquals(NeedleKind.CHUNK, n.header().kind());
            assertEquals(123456789L + len, n.header().hlc());
            assertEquals(len, n.header().dataLength());
            assertEquals(len % 2 == 0, n.header().replacesOlder());
            assertFalse(n.header().tombstone());
            assertEquals(needle.length, n.end());
            assertArrayEquals(md5(data), n.md5());
            byte[] back = new byte[len];
            System.arraycopy(needle, (int) n.header().dataOffset(), back, 0, len);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void tombstoneRoundTrip() throws IOException {
        NeedleWrite w = new NeedleWrite(NeedleKey.object("b", "k"), 5, "null", true, null);
        byte[] needle = encode(w, new byte[0], true);
        NeedleFormat.Needle n = NeedleFormat.read(source(needle), 0, needle.length);
        assertTrue(n.header().tombstone());
        assertEquals(Map.of(), n.metadata());
        assertThrows(IllegalArgumentException.class, () -> NeedleFormat.encodePrefix(w, true, 3));
    }

    /** A flipped byte anywhere in a needle is reported as corruption, never read as a different needle. */
    @Test
    void everyFlippedByteIsDetected() throws IOException {
        byte[] data = "hello, needle".getBytes(StandardCharsets.UTF_8);
        NeedleWrite w = new NeedleWrite(NeedleKey.object("bkt", "some/key"), 42, "v1", false,
                Map.of("content-type", "text/plain"));
        byte[] needle = encode(w, data, false);
        for (int i = 0; i < needle.length; i++) {
            for (int bit : new int[] {0x01, 0x80, 0xFF}) {
                byte[] copy = needle.clone();
                copy[i] ^= (byte) bit;
                try {
                    NeedleFormat.read(source(copy), 0, copy.length);
                    fail("flip of byte " + i + " with " + bit + " was not detected");
                } catch (CorruptNeedleException expected) {
                    // the only acceptable outcome
                }
            }
        }
    }

    @Test
    void truncatedNeedleIsCorrupt() throws IOException {
        byte[] needle = encode(new NeedleWrite(NeedleKey.object("b", "k"), 1, "v", false, null), new byte[1000], true);
        for (int cut : new int[] {0, 5, NeedleFormat.HEADER_LENGTH, 500, needle.length - 1}) {
            assertThrows(CorruptNeedleException.class, () -> NeedleFormat.read(source(needle), 0, cut));
        }
        // A lying limit (bytes present in the buffer but beyond the file's size) is still torn.
        assertThrows(CorruptNeedleException.class, () -> NeedleFormat.read(source(needle), 0, needle.length - 8));
    }

    @Test
    void superblockRoundTripAndCorruption() {
        ByteBuffer sb = NeedleFormat.encodeSuperblock(17, 0x1234_5678_9ABC_DEF0L);
        assertEquals(NeedleFormat.SUPERBLOCK_LENGTH, sb.remaining());
        NeedleFormat.Superblock s = NeedleFormat.decodeSuperblock(sb.duplicate());
        assertEquals(17, s.containerId());
        assertEquals(0x1234_5678_9ABC_DEF0L, s.incarnation());
        for (int i = 0; i < NeedleFormat.SUPERBLOCK_LENGTH; i++) {
            byte[] copy = sb.array().clone();
            copy[i] ^= 0x10;
            assertThrows(CorruptNeedleException.class, () -> NeedleFormat.decodeSuperblock(ByteBuffer.wrap(copy)),
                    "byte " + i);
        }
    }

    @Test
    void metadataCodecIsCanonical() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("z", "1");
        a.put("a", "2");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("a", "2");
        b.put("z", "1");
        assertArrayEquals(NeedleFormat.encodeMetadata(a), NeedleFormat.encodeMetadata(b));
        assertEquals(a, NeedleFormat.decodeMetadata(ByteBuffer.wrap(NeedleFormat.encodeMetadata(a))));
        assertArrayEquals(new byte[4], NeedleFormat.encodeMetadata(Map.of()));
    }

    @Test
    void invalidKeysAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> NeedleFormat.encodePrefix(new NeedleWrite(NeedleKey.object("b", "a\0b"), 1, "v", false, null), false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NeedleFormat.encodePrefix(new NeedleWrite(NeedleKey.object("b", "\uD800"), 1, "v", false, null), false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NeedleFormat.encodePrefix(new NeedleWrite(NeedleKey.object("b", "x".repeat(70_000)), 1, "v", false, null), false, 0));
    }

    static byte[] encode(NeedleWrite w, byte[] data, boolean replacesOlder) {
        NeedleFormat.Prefix p = NeedleFormat.encodePrefix(w, replacesOlder, data.length);
        NeedleFormat.Digests d = new NeedleFormat.Digests(p);
        // Feed the data in two parts through both update methods.
        int half = data.length / 2;
        d.update(data, 0, half);
        d.update(ByteBuffer.wrap(data, half, data.length - half));
        ByteBuffer footer = d.footer();
        assertEquals(p.header().needleLength(), p.bytes().length + data.length + footer.remaining());
        ByteBuffer all = ByteBuffer.allocate((int) p.header().needleLength());
        all.put(p.bytes()).put(data).put(footer);
        return all.array();
    }

    static NeedleFormat.PositionedSource source(byte[] bytes) {
        return (dst, position) -> {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        };
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
