package io.needlestack.bench.stats;

import io.needlestack.bench.options.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every measurement of a run, merged over its rounds, keyed by target, phase and size. Rows come
 * out in a stable order: target (as first seen), size, phase. Thread-safe for the runner's use
 * (one writer at a time).
 */
public final class Results {

  private final Map<ResultKey, PhaseStats> stats = new LinkedHashMap<>();
  private final List<String> targetOrder = new ArrayList<>();

  /** Merges one round's measurement of {@code key} into the run's. */
  public synchronized void merge(ResultKey key, PhaseStats round) {
    if (!targetOrder.contains(key.target())) {
      targetOrder.add(key.target());
    }
    stats.computeIfAbsent(key, k -> new PhaseStats()).add(round);
  }

  /** The summary of {@code target}, {@code phase}, {@code size}, when it was measured. */
  public synchronized Optional<PhaseSummary> get(String target, Phase phase, long size) {
    PhaseStats s = stats.get(new ResultKey(target, phase, size));
    return Optional.ofNullable(s).map(PhaseStats::summary);
  }

  /** Every measurement, ordered by target, size, then phase. */
  public synchronized List<Map.Entry<ResultKey, PhaseSummary>> rows() {
    List<Map.Entry<ResultKey, PhaseSummary>> rows = new ArrayList<>();
    stats.forEach((k, v) -> rows.add(Map.entry(k, v.summary())));
    rows.sort(Comparator.<Map.Entry<ResultKey, PhaseSummary>>comparingInt(
            e -> targetOrder.indexOf(e.getKey().target()))
        .thenComparingLong(e -> e.getKey().size())
        .thenComparing(e -> e.getKey().phase()));
    return rows;
  }

  /** Target labels in the order they were first measured. */
  public synchronized List<String> targets() {
    return List.copyOf(targetOrder);
  }
}
