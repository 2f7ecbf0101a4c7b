package io.needlestack.bench.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void sizesAreBinaryWhateverTheSpelling() {
    assertEquals(4096, Quantities.parseSize("4KiB"));
    assertEquals(4096, Quantities.parseSize("4k"));
    assertEquals(4096, Quantities.parseSize("4KB"));
    assertEquals(4096, Quantities.parseSize("4096"));
    assertEquals(64L << 20, Quantities.parseSize("64MiB"));
    assertEquals(1L << 30, Quantities.parseSize(" 1g "));
    assertThrows(InvalidOptionException.class, () -> Quantities.parseSize("0"));
    assertThrows(InvalidOptionException.class, () -> Quantities.parseSize("-4k"));
    assertThrows(InvalidOptionException.class, () -> Quantities.parseSize("4TiB"));
  }

  @Test
  void sizesPrintInTheLargestExactUnit() {
    assertEquals("4KiB", Quantities.formatSize(4096));
    assertEquals("64MiB", Quantities.formatSize(64L << 20));
    assertEquals("1536KiB", Quantities.formatSize(1536L << 10));
    assertEquals("1000B", Quantities.formatSize(1000));
    assertEquals("2GiB", Quantities.formatSize(2L << 30));
  }

  @Test
  void durations() {
    assertEquals(Duration.ofSeconds(10), Quantities.parseDuration("10"));
    assertEquals(Duration.ofSeconds(10), Quantities.parseDuration("10s"));
    assertEquals(Duration.ofMillis(250), Quantities.parseDuration("250ms"));
    assertEquals(Duration.ofMillis(1500), Quantities.parseDuration("1.5s"));
    assertEquals(Duration.ofMinutes(2), Quantities.parseDuration("2m"));
    assertThrows(InvalidOptionException.class, () -> Quantities.parseDuration("soon"));
  }
}
