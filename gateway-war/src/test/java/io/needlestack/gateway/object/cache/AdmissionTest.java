package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Counting reads before a version is cached. */
class AdmissionTest {

    private static VersionKey v(String name, long hlc) {
        return new VersionKey(NeedleKind.OBJECT, "b", name, "id" + hlc, hlc, "00", (int) hlc);
    }

    @Test
    void oneUseAdmitsAtOnce() {
        Admission a = new Admission(1);
        assertTrue(a.admit(v("k", 1)));
    }

    @Test
    void aVersionIsAdmittedOnItsNthReadAndCountedAfreshAfterwards() {
        Admission a = new Admission(3);
        assertFalse(a.admit(v("k", 1)));
        assertFalse(a.admit(v("k", 1)));
        assertTrue(a.admit(v("k", 1)));
        // Admitted versions give up their slot: should the cache lose the entry, it is counted again.
        assertFalse(a.admit(v("k", 1)));
    }

    @Test
    void versionsOfOneNameAreCountedApart() {
        Admission a = new Admission(2);
        assertFalse(a.admit(v("k", 1)));
        assertFalse(a.admit(v("k", 2)), "another version of the same name is a first read");
        assertTrue(a.admit(v("k", 1)));
        assertTrue(a.admit(v("k", 2)));
    }

    @Test
    void aVersionPushedOutOfItsSlotIsCountedFromOneAgain() {
        Admission a = new Admission(2);
        VersionKey k = v("k", 1);
        assertFalse(a.admit(k));
        VersionKey rival = null;
        for (int i = 0; rival == null; i++) {
            VersionKey c = v("rival" + i, i);
            if (slot(c) == slot(k)) {
                rival = c;
            }
        }
        assertFalse(a.admit(rival), "a first read, though it takes k's slot");
        assertFalse(a.admit(k), "k's first read was forgotten");
        assertTrue(a.admit(k));
    }

    @Test
    void aScanOfManyMoreVersionsThanSlotsAdmitsNoneOfThem() {
        Admission a = new Admission(2);
        int admitted = 0;
        for (int i = 0; i < Admission.SLOTS * 4; i++) {
            if (a.admit(v("scan" + i, i))) {
                admitted++;
            }
        }
        assertEquals(0, admitted, "first reads admitted");
    }

    private static int slot(VersionKey v) {
        return (int) (Admission.hash(v) & (Admission.SLOTS - 1));
    }

    @Test
    void theHashSpreadsNearbyVersionsOverTheSlots() {
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            slots.add(slot(v("obj-" + i, 1000 + i)));
        }
        assertTrue(slots.size() > 9_000, "distinct slots " + slots.size());
    }

    @Test
    void keysAreCountedLikeVersions() {
        Admission a = new Admission(2);
        NeedleKey k = new NeedleKey(NeedleKind.OBJECT, "b", "k");
        assertFalse(a.admit(k));
        assertFalse(a.admit(new NeedleKey(NeedleKind.OBJECT, "c", "k")), "another bucket's key");
        assertTrue(a.admit(k));
    }

    @Test
    void outOfRangeCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Admission(0));
        assertThrows(IllegalArgumentException.class, () -> new Admission(256));
    }
}
