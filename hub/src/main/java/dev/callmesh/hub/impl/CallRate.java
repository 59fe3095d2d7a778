package dev.callmesh.hub.impl;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls each identity may start: a token bucket per identity, refilled at the limit per
 * second, holding at most two seconds' worth (so short bursts pass).
 */
final class CallRate {

  private static final class Bucket {
    double tokens;
    long refilledAt;
  }

  private final int perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param perSecond calls per second per identity, or 0 for no limit */
  CallRate(int perSecond) {
    this.perSecond = perSecond;
  }

  /** @return whether the identity may start one more call now (and counts it) */
  boolean tryCall(String identity) {
    if (perSecond == 0) {
      return true;
    }
    Bucket b = buckets.computeIfAbsent(identity, k -> {
      Bucket fresh = new Bucket();
      fresh.tokens = 2.0 * perSecond;
      fresh.refilledAt = System.nanoTime();
      return fresh;
    });
    synchronized (b) {
      long now = System.nanoTime();
      b.tokens = Math.min(2.0 * perSecond, b.tokens + (now - b.refilledAt) / 1e9 * perSecond);
      b.refilledAt = now;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  int perSecond() {
    return perSecond;
  }

  /**
   * What an identity's bucket holds now, for the {@code RateLimit-*} headers.
   *
   * @param limit the most calls it may make at once: the bucket's size, two seconds' worth
   * @param remaining the calls it may make now
   * @param resetSeconds seconds until the bucket is full again
   * @param retryAfterSeconds seconds until it may make one call (0 when it may now)
   */
  record Budget(int limit, int remaining, int resetSeconds, int retryAfterSeconds) {
  }

  /**
   * Reads the identity's bucket without taking from it (calls are not slowed: the same short lock as
   * {@link #tryCall}, only when asked).
   *
   * @return its budget now, or {@code null} when calls are not limited
   */
  Budget budget(String identity) {
    if (perSecond == 0) {
      return null;
    }
    double capacity = 2.0 * perSecond;
    double tokens = capacity;
    Bucket b = buckets.get(identity);
    if (b != null) {
      synchronized (b) {
        tokens = Math.min(capacity, b.tokens + (System.nanoTime() - b.refilledAt) / 1e9 * perSecond);
      }
    }
    return new Budget((int) capacity, (int) Math.floor(tokens), (int) Math.ceil((capacity - tokens) / perSecond),
        tokens >= 1 ? 0 : (int) Math.ceil((1 - tokens) / perSecond));
  }
}
