package io.needlestack.bench.options;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing of object sizes (binary units) and durations as the command line says them. */
public final class Quantities {

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?", Pattern.CASE_INSENSITIVE);

  private Quantities() {
  }

  /**
   * Bytes of a size such as {@code 4KiB}, {@code 64k}, {@code 1MiB} or {@code 4096}. K, M and G are
   * binary (1024) multiples whichever spelling is used: object sizes are always powers of two here.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidOptionException("not a size: '" + text + "' (e.g. 4KiB, 1MiB, 4096)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long bytes = switch (unit.charAt(0)) {
      case 'k' -> n << 10;
      case 'm' -> n << 20;
      case 'g' -> n << 30;
      default -> n;
    };
    if (bytes <= 0) {
      throw new InvalidOptionException("a size must be positive: '" + text + "'");
    }
    return bytes;
  }

  /** {@code 4096} as "4KiB", {@code 1048576} as "1MiB", other values in bytes ("1000B"). */
  public static String formatSize(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return bytes + "B";
  }

  /** A duration such as {@code 10s}, {@code 500ms}, {@code 2m} or {@code 10} (seconds). */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidOptionException("not a duration: '" + text + "' (e.g. 10s, 500ms, 2m)");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double millis = switch (unit) {
      case "ms" -> v;
      case "m", "min" -> v * 60_000;
      default -> v * 1000;
    };
    return Duration.ofMillis(Math.round(millis));
  }
}
