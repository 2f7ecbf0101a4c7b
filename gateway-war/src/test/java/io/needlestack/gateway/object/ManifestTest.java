package io.needlestack.gateway.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {

    @Test
    void roundTrip() throws IOException {
        Manifest m = new Manifest(List.of(new Manifest.Chunk("k\nv\n0", 5L << 20), new Manifest.Chunk("k\nv\n1", 17)));
        Manifest back = Manifest.decode(new ByteArrayInputStream(m.encode()));
        assertEquals(m, back);
        assertEquals((5L << 20) + 17, back.length());
    }

    @Test
    void partsAreRunsOfChunksWrittenTogether() {
        long c = 5L << 20;
        // A multipart object: part 1 of two chunks, part 2 of one, part 3 of two (names as
        // MultipartUploads builds them: key, upload id, part, attempt, chunk index); the key
        // itself holds newlines.
        Manifest m = new Manifest(List.of(
                new Manifest.Chunk("a\nkey\nU\n00001\nv1\n0", c), new Manifest.Chunk("a\nkey\nU\n00001\nv1\n1", 3),
                new Manifest.Chunk("a\nkey\nU\n00002\nv2\n0", c),
                new Manifest.Chunk("a\nkey\nU\n00007\nv3\n0", c), new Manifest.Chunk("a\nkey\nU\n00007\nv3\n1", 1)));
        assertEquals(List.of(c + 3, c, c + 1), m.partLengths());
        // A large single PUT is one part, however many chunks.
        Manifest single = new Manifest(List.of(new Manifest.Chunk("k\nv\n0", c), new Manifest.Chunk("k\nv\n1", c),
                new Manifest.Chunk("k\nv\n2", 9)));
        assertEquals(List.of(2 * c + 9), single.partLengths());
        assertEquals(List.of(), new Manifest(List.of()).partLengths());
    }

    @Test
    void refusesWhatIsNotAManifest() {
        assertThrows(IOException.class, () -> Manifest.decode(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 0, 1})));
    }
}
