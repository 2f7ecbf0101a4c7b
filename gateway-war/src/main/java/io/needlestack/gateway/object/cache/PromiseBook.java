package io.needlestack.gateway.object.cache;

import io.needlestack.storage.store.NeedleKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replica's record of the call-back promises it gave: per key, which gateways keep that key's
 * newest version and until when. Pure (times are passed in, in {@link System#nanoTime()} units),
 * thread-safe.
 *
 * <p>Ordering that makes the promises sound, kept by the callers: a promise is registered before
 * the HEAD it belongs to reads the index, and the holders are taken after a write is applied. So a
 * HEAD that read the old version always has its promise taken by the write that replaced it.
 */
final class PromiseBook {

    /** A gateway that was promised a call-back, until {@code expiresAt}. */
    record Holder(String id, String endpoint, long expiresAt) {
    }

    private final long promiseNanos;
    private final int maxKeys;
    private final ConcurrentHashMap<NeedleKey, Map<String, Holder>> byKey = new ConcurrentHashMap<>();

    /**
     * @param promiseNanos how long a promise lasts from when it is given
     * @param maxKeys      most keys with promises; beyond it new promises are refused (a refused
     *                     promise only costs the asker another HEAD next time)
     */
    PromiseBook(long promiseNanos, int maxKeys) {
        if (promiseNanos <= 0 || maxKeys <= 0) {
            throw new IllegalArgumentException("promiseNanos and maxKeys must be positive");
        }
        this.promiseNanos = promiseNanos;
        this.maxKeys = maxKeys;
    }

    /**
     * Promises {@code holder} a call-back for the next write of {@code key}, from {@code now}.
     *
     * @return false when the book is full even after forgetting expired promises
     */
    boolean promise(NeedleKey key, String holderId, String endpoint, long now) {
        if (byKey.size() >= maxKeys && !byKey.containsKey(key)) {
            sweep(now);
            if (byKey.size() >= maxKeys) {
                return false;
            }
        }
        Holder h = new Holder(holderId, endpoint, now + promiseNanos);
        byKey.compute(key, (k, m) -> {
            Map<String, Holder> holders = m == null ? new HashMap<>(2) : m;
            holders.put(holderId, h);
            return holders;
        });
        return true;
    }

    /** Removes and returns the promises of {@code key} that have not run out at {@code now}. */
    List<Holder> take(NeedleKey key, long now) {
        Map<String, Holder> holders = byKey.remove(key);
        if (holders == null) {
            return List.of();
        }
        List<Holder> live = new ArrayList<>(holders.size());
        for (Holder h : holders.values()) {
            if (now - h.expiresAt() < 0) {
                live.add(h);
            }
        }
        return live;
    }

    /** Forgets every promise that has run out at {@code now}. */
    void sweep(long now) {
        for (NeedleKey key : byKey.keySet()) {
            // Under the key's lock, like promise(): the holders' map is only ever changed there.
            byKey.computeIfPresent(key, (k, m) -> {
                m.values().removeIf(h -> now - h.expiresAt() >= 0);
                return m.isEmpty() ? null : m;
            });
        }
    }

    /** Keys with promises (expired ones included until swept). */
    int keys() {
        return byKey.size();
    }
}
