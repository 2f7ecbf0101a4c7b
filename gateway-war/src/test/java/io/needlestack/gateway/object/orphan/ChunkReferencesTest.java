package io.needlestack.gateway.object.orphan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkReferencesTest {

    private static NeedleKey chunk(String name) {
        return new NeedleKey(NeedleKind.CHUNK, "b", name);
    }

    @Test
    void putChunkPointsAtTheObjectVersion() {
        assertEquals(List.of(new ChunkReferences.Version(NeedleKey.object("b", "photos/a.jpg"), "18c0ffee9abc")),
                ChunkReferences.of(chunk("photos/a.jpg\n18c0ffee9abc\n12")));
    }

    @Test
    void partChunkPointsAtThePartAttemptAndTheCompletedObject() {
        List<ChunkReferences.Reference> refs = ChunkReferences.of(chunk("big.iso\nUPLOADid_-x\n00007\n18c0ffee\n0"));
        assertEquals(List.of(
                new ChunkReferences.Version(new NeedleKey(NeedleKind.PART, "b", "big.iso\nUPLOADid_-x\n00007"), "18c0ffee"),
                new ChunkReferences.NewestManifest(NeedleKey.object("b", "big.iso")),
                // The same name also fits a PUT chunk of the key "big.iso\nUPLOADid_-x\n00007": asked too.
                new ChunkReferences.Version(NeedleKey.object("b", "big.iso\nUPLOADid_-x\n00007"), "18c0ffee")),
                refs);
    }

    @Test
    void keysWithNewlinesKeepThemAll() {
        assertEquals(List.of(new ChunkReferences.Version(NeedleKey.object("b", "a\n\nb"), "v1")),
                ChunkReferences.of(chunk("a\n\nb\nv1\n3")));
        List<ChunkReferences.Reference> part = ChunkReferences.of(chunk("x\ny\nU\n00001\nA\n0"));
        assertEquals(new ChunkReferences.NewestManifest(NeedleKey.object("b", "x\ny")), part.get(1));
    }

    @Test
    void namesOfNoShapeGiveNoReference() {
        for (String name : new String[] {"", "lonely", "k\nv", "k\nv\nnot-a-number", "k\n\n0", "k\nv\n"}) {
            assertTrue(ChunkReferences.of(chunk(name)).isEmpty(), name.replace("\n", "\\n"));
        }
        // A part number that is not five digits is read as a PUT chunk only.
        assertEquals(1, ChunkReferences.of(chunk("k\nU\n7\nA\n0")).size());
    }

    @Test
    void onlyChunksAreRead() {
        assertThrows(IllegalArgumentException.class, () -> ChunkReferences.of(NeedleKey.object("b", "k\nv\n0")));
    }
}
