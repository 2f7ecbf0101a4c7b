package io.needlestack.bench.load;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys of one target, size and round: new names for PUTs, the keys whose PUT succeeded for
 * GETs and DELETEs. A lock is cheap next to an HTTP round trip.
 */
final class KeyPool {

  private final String prefix;
  private final AtomicLong sequence = new AtomicLong();
  private final List<String> written = new ArrayList<>();
  private final ArrayDeque<String> retries = new ArrayDeque<>();

  KeyPool(String prefix) {
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  /** A name never handed out before in this pool. */
  String newKey() {
    return prefix + String.format("%010d", sequence.incrementAndGet());
  }

  /**
   * For a PUT phase that writes exactly {@code limit} objects: a key whose PUT failed (to be
   * tried again), else a new name while fewer than {@code limit} were handed out, else null.
   */
  synchronized String newKeyUpTo(long limit) {
    if (!retries.isEmpty()) {
      return retries.poll();
    }
    return sequence.get() < limit ? newKey() : null;
  }

  /** A key whose PUT failed, handed out again by {@link #newKeyUpTo}. */
  synchronized void retry(String key) {
    retries.add(key);
  }

  synchronized void written(String key) {
    written.add(key);
  }

  /** A random written key, or null when none is. */
  synchronized String random() {
    return written.isEmpty() ? null : written.get(ThreadLocalRandom.current().nextInt(written.size()));
  }

  /** Removes and returns a random written key (so deletes do not walk the key order), or null. */
  synchronized String take() {
    if (written.isEmpty()) {
      return null;
    }
    int i = ThreadLocalRandom.current().nextInt(written.size());
    String last = written.remove(written.size() - 1);
    if (i == written.size()) {
      return last;
    }
    return written.set(i, last);
  }

  synchronized int size() {
    return written.size();
  }
}
