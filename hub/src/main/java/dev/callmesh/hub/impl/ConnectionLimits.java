package dev.callmesh.hub.impl;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the hub's connections, in all and per source address, and refuses new ones past the limits.
 * Shared by the listeners (TCP and WebSocket, which may run on different event loops): its two methods
 * lock, once per connection, never per call.
 */
final class ConnectionLimits {

  private final int max;
  private final int maxPerSource;
  private final Map<String, Integer> bySource = new HashMap<>();
  private int total;

  ConnectionLimits(int max, int maxPerSource) {
    this.max = max;
    this.maxPerSource = maxPerSource;
  }

  /** @return why a new connection from the host is refused, or {@code null} when it is taken (and counted) */
  synchronized String tryAcquire(String host) {
    if (total >= max) {
      return "the hub holds its maximum of " + max + " connections; try again later";
    }
    int mine = bySource.getOrDefault(host, 0);
    if (mine >= maxPerSource) {
      return "your address holds its maximum of " + maxPerSource + " connections; close some first";
    }
    bySource.put(host, mine + 1);
    total++;
    return null;
  }

  /** A connection counted by {@link #tryAcquire} has closed. */
  synchronized void release(String host) {
    total--;
    bySource.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
  }
}
