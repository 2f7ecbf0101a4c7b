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
    void refusesWhatIsNotAManifest() {
        assertThrows(IOException.class, () -> Manifest.decode(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 0, 1})));
    }
}
