package dev.callmesh.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a {@link FuzzIT} run saw: counters by kind, and the first anomalies in full. */
final class FuzzStats {

  static final int MAX_SAMPLES = 40;
  final AtomicLong frames = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  final AtomicLong authenticated = new AtomicLong();
  final AtomicLong closedByHub = new AtomicLong();
  final AtomicLong anomalyCount = new AtomicLong();
  final Map<String, LongAdder> byes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> denials = new ConcurrentHashMap<>();
  final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  final Map<String, LongAdder> labels = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();

  void anomaly(String what) {
    if (anomalyCount.incrementAndGet() <= MAX_SAMPLES) {
      anomalies.add(what);
    }
  }

  static void count(Map<String, LongAdder> m, String key) {
    m.computeIfAbsent(String.valueOf(key), k -> new LongAdder()).increment();
  }
}
