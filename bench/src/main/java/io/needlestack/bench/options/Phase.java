package io.needlestack.bench.options;

import java.util.Locale;

/** A timed phase of a run, in the order a run performs them at each size. */
public enum Phase {
  /** New objects, one PUT each. */
  PUT("put"),
  /** GETs of random objects written by the PUT phase. */
  GET("get"),
  /** 80 % GETs of random existing objects, 20 % PUTs of new ones. */
  MIXED("mixed"),
  /** ListObjectsV2 pages (1000 keys) of the size's prefix. */
  LIST("list"),
  /** DELETEs of the objects written, until none is left or the time is up. */
  DELETE("delete");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /** The name used on the command line, in tables and in JSON. */
  public String label() {
    return label;
  }

  /** Whether the phase moves object bytes, so that MB/s means something. */
  public boolean movesData() {
    return this == PUT || this == GET || this == MIXED;
  }

  /**
   * The phase named {@code text} (case-insensitive; "mix" and "mixed8020" also mean MIXED).
   *
   * @throws InvalidOptionException when no phase has that name
   */
  public static Phase parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("mix") || t.equals("mixed8020")) {
      return MIXED;
    }
    for (Phase p : values()) {
      if (p.label.equals(t)) {
        return p;
      }
    }
    throw new InvalidOptionException("unknown phase '" + text + "' (put, get, mixed, list, delete)");
  }
}
