package io.needlestack.core.ring;

import static io.needlestack.core.ring.RingFixtures.racked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RingCodecTest {

    private final Ring ring = new Ring(42, 3, Ring.DEFAULT_VNODES, withOddOnes());

    private static List<RingNode> withOddOnes() {
        List<RingNode> members = new ArrayList<>(racked(5, 2));
        members.add(new RingNode("nœud-ü", "", "rack-é", 1.75));
        return members;
    }

    @Test
    void roundTripKeepsEverything() throws RingFormatException {
        byte[] bytes = RingCodec.encode(ring);
        Ring back = RingCodec.decode(bytes);
        assertEquals(ring, back);
        assertEquals(ring.checksum(), back.checksum());
        assertEquals(42, back.version());
        assertEquals(ring.members(), back.members());
        assertEquals(ring.ranges(), back.ranges());
        assertArrayEquals(bytes, RingCodec.encode(back), "canonical: encoding is stable");
        assertEquals(Ring.empty(3), RingCodec.decode(RingCodec.encode(Ring.empty(3))));
    }

    @Test
    void refusesAnUnknownFormatVersion() {
        byte[] bytes = RingCodec.encode(ring);
        bytes[5] = 2; // format version, low byte
        fixCrc(bytes);
        RingFormatException e = assertThrows(RingFormatException.class, () -> RingCodec.decode(bytes));
        assertTrue(e.getMessage().contains("format 2"), e.getMessage());
    }

    @Test
    void refusesCorruptTruncatedAndForeignBytes() {
        byte[] bytes = RingCodec.encode(ring);
        for (int i = 6; i < bytes.length; i += 7) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assertThrows(RingFormatException.class, () -> RingCodec.decode(flipped), "flip at " + i);
        }
        assertThrows(RingFormatException.class, () -> RingCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
        byte[] cut = Arrays.copyOf(bytes, 40);
        fixCrc(cut);
        assertThrows(RingFormatException.class, () -> RingCodec.decode(cut), "truncated with a valid CRC");
        assertThrows(RingFormatException.class, () -> RingCodec.decode("{\"ring\":1}".getBytes()));
        assertThrows(RingFormatException.class, () -> RingCodec.decode(new byte[0]));
    }

    private static void fixCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
    }
}
