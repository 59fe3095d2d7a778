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
}
