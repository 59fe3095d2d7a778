package dev.callmesh.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The waits of {@link Backoff}: full jitter within a ceiling that doubles up to its maximum. */
class BackoffTest {

  @Test
  void theCeilingDoublesFromTheBaseUpToTheMaximumAndNeverOverflows() {
    Backoff b = new Backoff(200, 10_000, () -> 0.5);
    assertEquals(200, b.ceiling(0));
    assertEquals(400, b.ceiling(1));
    assertEquals(6_400, b.ceiling(5));
    assertEquals(10_000, b.ceiling(6));
    assertEquals(10_000, b.ceiling(63));
    assertEquals(10_000, b.ceiling(Integer.MAX_VALUE));
    assertEquals(200, b.ceiling(-3), "a negative count reads as the first wait");
    assertEquals(Long.MAX_VALUE / 2, new Backoff(Long.MAX_VALUE / 2, Long.MAX_VALUE, () -> 0).ceiling(0));
    assertEquals(Long.MAX_VALUE, new Backoff(Long.MAX_VALUE / 2, Long.MAX_VALUE, () -> 0).ceiling(3),
        "a ceiling past the long range is the maximum");
  }

  @Test
  void aWaitIsDrawnFromZeroToJustBelowTheCeiling() {
    assertEquals(0, new Backoff(200, 10_000, () -> 0.0).delay(0));
    assertEquals(199, new Backoff(200, 10_000, () -> 0.999_999_9).delay(0));
    assertEquals(1_600, new Backoff(200, 10_000, () -> 0.5).delay(4));
    assertEquals(9_999, new Backoff(200, 10_000, () -> 1.0).delay(30), "never the ceiling itself");
    assertEquals(0, new Backoff(200, 10_000, () -> -1.0).delay(3), "a bad draw is clamped");
  }

  @Test
  void realDrawsStayWithinTheBoundsAndSpreadOverTheWholeRange() {
    Backoff b = new Backoff(100, 2_000, Backoff.uniform());
    for (int n = 0; n < 8; n++) {
      long ceiling = b.ceiling(n);
      Set<Long> tenths = new HashSet<>();
      for (int i = 0; i < 2_000; i++) {
        long d = b.delay(n);
        assertTrue(d >= 0 && d < ceiling, "wait " + d + " for n=" + n + " outside [0, " + ceiling + ")");
        tenths.add(d * 10 / ceiling);
      }
      // Full jitter, not "half plus jitter": draws land in every tenth of the range, the lowest included.
      assertEquals(10, tenths.size(), "n=" + n + " draws fell in " + tenths);
    }
  }
}
