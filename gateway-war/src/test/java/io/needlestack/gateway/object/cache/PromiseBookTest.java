package io.needlestack.gateway.object.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.needlestack.storage.store.NeedleKey;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromiseBookTest {

    private static final NeedleKey A = NeedleKey.object("b", "a");
    private static final NeedleKey B = NeedleKey.object("b", "b");

    @Test
    void aWriteTakesTheLivePromisesOfItsKeyOnce() {
        PromiseBook book = new PromiseBook(100, 10);
        assertTrue(book.promise(A, "g1", "http://g1", 0));
        assertTrue(book.promise(A, "g2", "http://g2", 50));
        assertTrue(book.promise(B, "g1", "http://g1", 0));

        List<PromiseBook.Holder> taken = book.take(A, 99);
        taken = taken.stream().sorted(Comparator.comparing(PromiseBook.Holder::id)).toList();
        assertEquals(List.of(new PromiseBook.Holder("g1", "http://g1", 100), new PromiseBook.Holder("g2", "http://g2", 150)),
                taken);
        assertEquals(List.of(), book.take(A, 99), "taken once: the next write owes nobody a call-back");
        assertEquals(1, book.take(B, 0).size(), "another key keeps its own promises");
    }

    @Test
    void expiredPromisesAreNotCalledBack() {
        PromiseBook book = new PromiseBook(100, 10);
        book.promise(A, "g1", "http://g1", 0);
        book.promise(A, "g2", "http://g2", 60);
        assertEquals(List.of("g2"), book.take(A, 100).stream().map(PromiseBook.Holder::id).toList(),
                "g1's promise ran out at 100, g2's runs to 160");
    }

    @Test
    void aRenewedPromiseReplacesTheOldOneOfTheSameHolder() {
        PromiseBook book = new PromiseBook(100, 10);
        book.promise(A, "g1", "http://g1", 0);
        book.promise(A, "g1", "http://g1", 80);
        assertEquals(List.of(new PromiseBook.Holder("g1", "http://g1", 180)), book.take(A, 150));
    }

    @Test
    void aFullBookRefusesNewKeysUntilPromisesRunOut() {
        PromiseBook book = new PromiseBook(100, 2);
        assertTrue(book.promise(A, "g1", "http://g1", 0));
        assertTrue(book.promise(B, "g1", "http://g1", 10));
        NeedleKey c = NeedleKey.object("b", "c");
        assertFalse(book.promise(c, "g1", "http://g1", 50), "full: the asker gets no promise, nothing breaks");
        assertTrue(book.promise(A, "g2", "http://g2", 50), "a key already in the book takes more holders");
        assertTrue(book.promise(c, "g1", "http://g1", 120), "B's promise ran out at 110 and is swept");
        assertEquals(2, book.keys());
    }

    @Test
    void sweepForgetsOnlyWhatRanOut() {
        PromiseBook book = new PromiseBook(100, 10);
        book.promise(A, "g1", "http://g1", 0);
        book.promise(B, "g1", "http://g1", 50);
        book.sweep(120);
        assertEquals(1, book.keys());
        assertEquals(List.of(), book.take(A, 120));
        assertEquals(1, book.take(B, 120).size());
    }

    @Test
    void nonPositiveBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PromiseBook(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PromiseBook(1, 0));
    }
}
