package dev.callmesh.client.impl;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th wait (n from 0) is drawn uniformly from
 * {@code [0, min(max, base * 2^n))}. Spreading the whole range, not half of it, is what keeps many clients
 * that lost the same hub from dialling the next one in step.
 *
 * @param baseMs the first ceiling, at least 1
 * @param maxMs the largest ceiling, at least 1
 * @param random draws from {@code [0, 1)}; {@link #uniform()} for {@link ThreadLocalRandom}
 */
record Backoff(long baseMs, long maxMs, DoubleSupplier random) {

  /** @return a draw from {@code [0, 1)} of {@link ThreadLocalRandom} */
  static DoubleSupplier uniform() {
    return () -> ThreadLocalRandom.current().nextDouble();
  }

  /**
   * @param n how many waits came before this one (0 for the first)
   * @return {@code min(max, base * 2^n)}, without overflow for any {@code n}
   */
  long ceiling(int n) {
    int shift = Math.max(0, Math.min(n, 40));
    long ceiling = baseMs << shift;
    return ceiling <= 0 || ceiling >> shift != baseMs ? maxMs : Math.min(maxMs, ceiling);
  }

  /**
   * @param n how many waits came before this one (0 for the first)
   * @return the wait in milliseconds: at least 0, below {@link #ceiling(int)} (0 when the ceiling is 0)
   */
  long delay(int n) {
    long ceiling = ceiling(n);
    double r = random.getAsDouble();
    long d = (long) Math.floor(ceiling * Math.max(0, Math.min(r, 1)));
    return Math.min(d, Math.max(0, ceiling - 1));
  }
}
