package io.needlestack.bench.report;

/**
 * One comparison of the subject with its peer.
 *
 * @param metric what is compared, e.g. "PUT 4KiB ops/s"
 * @param subject the subject's value
 * @param peer the peer's value
 * @param goal the ratio subject/peer asked for, or {@code NaN} when the line only informs
 * @param higherIsBetter true for throughput (ratio must reach the goal), false for latency (ratio
 *     must stay at or below it)
 */
public record Ratio(String metric, double subject, double peer, double goal,
    boolean higherIsBetter) {

  /** subject / peer; {@code NaN} when the peer measured nothing. */
  public double ratio() {
    return peer == 0 ? Double.NaN : subject / peer;
  }

  /** Whether there is a goal to meet. */
  public boolean hasGoal() {
    return !Double.isNaN(goal);
  }

  /** Whether the goal is met (false when there is none or the ratio is undefined). */
  public boolean met() {
    double r = ratio();
    if (!hasGoal() || Double.isNaN(r)) {
      return false;
    }
    return higherIsBetter ? r >= goal : r <= goal;
  }

  /** "OK", "SHORT", "n/a" (undefined ratio) or "" (no goal). */
  public String verdict() {
    if (!hasGoal()) {
      return "";
    }
    if (Double.isNaN(ratio())) {
      return "n/a";
    }
    return met() ? "OK" : "SHORT";
  }
}
