package dev.callmesh.hub.impl.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one operation: how many calls ended with each outcome, and how long they took. Made
 * once per operation and kept, so recording a call allocates nothing: the {@code ok} counter is a field,
 * an error's counter one map lookup.
 * <p>
 * Error codes come from spokes, which may send any string: at most {@value #MAX_OUTCOMES} distinct codes
 * get a series of their own per operation; later ones, and strings that do not look like a code, count as
 * {@code outcome="other"}.
 */
final class CallMeters {

  /** The {@code outcome} label of a call that succeeded. */
  static final String OK = "ok";
  /** How many distinct error outcomes one operation may have series for. */
  static final int MAX_OUTCOMES = 16;
  /**
   * The latency histogram's buckets: from a millisecond (a hub-local operation) to a minute (a
   * subscription such as {@code /bash/exec} runs until it completes).
   */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer duration;
  private final Counter ok;
  private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();

  CallMeters(MeterRegistry registry, OperationLabels labels) {
    this.registry = registry;
    this.tags = Tags.of(HubMetrics.SPOKE, labels.spoke(), HubMetrics.OPERATION, labels.operation());
    this.duration = Timer.builder(HubMetrics.CALL_DURATION)
        .description("How long calls through the hub took, from the request to their end (any outcome)")
        .tags(tags)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    this.ok = counter(OK);
  }

  /**
   * Counts one call that ended.
   *
   * @param errorCode its error code, or {@code null} when it succeeded
   * @param nanos how long it took
   */
  void record(String errorCode, long nanos) {
    duration.record(nanos, TimeUnit.NANOSECONDS);
    (errorCode == null ? ok : error(errorCode)).increment();
  }

  private Counter error(String code) {
    Counter c = errors.get(code);
    if (c != null) {
      return c;
    }
    String outcome = errors.size() < MAX_OUTCOMES && looksLikeCode(code) ? code : OperationLabels.OTHER;
    return errors.computeIfAbsent(outcome, this::counter);
  }

  private Counter counter(String outcome) {
    return Counter.builder(HubMetrics.CALLS)
        .description("Calls through the hub that ended, by operation and outcome (ok or the error code)")
        .tags(tags)
        .tag(HubMetrics.OUTCOME, outcome)
        .register(registry);
  }

  /** @return whether the string reads like an error code: 1 to 64 of A-Z, 0-9 and _, starting with a letter */
  static boolean looksLikeCode(String s) {
    if (s.isEmpty() || s.length() > 64 || s.charAt(0) < 'A' || s.charAt(0) > 'Z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }
}
