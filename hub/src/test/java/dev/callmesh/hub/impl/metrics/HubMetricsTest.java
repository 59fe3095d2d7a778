package dev.callmesh.hub.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.hub.SpokeInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the hub's meters count, how they show in the Prometheus text, and how their series stay bounded. */
class HubMetricsTest {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final List<SpokeInfo> spokes = new ArrayList<>(List.of(OperationLabelsTest.DEV1));
  final HubMetrics metrics = HubMetrics.create(registry, OperationLabelsTest::labels, List.of("tcp", "ws", "http"),
      () -> spokes);

  double calls(String spoke, String operation, String outcome) {
    Counter c = registry.find(HubMetrics.CALLS).tags(HubMetrics.SPOKE, spoke, HubMetrics.OPERATION, operation,
        HubMetrics.OUTCOME, outcome).counter();
    return c == null ? 0 : c.count();
  }

  long seriesOf(String name) {
    return registry.find(name).meters().size();
  }

  @Test
  void callsAreCountedByOperationAndOutcomeAndTimed() {
    metrics.callEnded("/dev1/fs/readFile", null, 3_000_000);
    metrics.callEnded("/dev1/fs/readFile", null, 1_000_000);
    metrics.callEnded("/dev1/fs/readFile", "FILE_NOT_FOUND", 2_000_000);
    metrics.callEnded("/services/list", null, 500_000);

    assertEquals(2, calls("dev1", "/fs/readFile", "ok"));
    assertEquals(1, calls("dev1", "/fs/readFile", "FILE_NOT_FOUND"));
    assertEquals(1, calls("hub", "/services/list", "ok"));
    Timer t = registry.find(HubMetrics.CALL_DURATION).tags(HubMetrics.SPOKE, "dev1", HubMetrics.OPERATION, "/fs/readFile").timer();
    assertEquals(3, t.count());
    assertEquals(6, t.totalTime(TimeUnit.MILLISECONDS), 0.001);
  }

  @Test
  void thePrometheusTextHasCountersHistogramBucketsAndGauges() {
    metrics.callEnded("/dev1/fs/readFile", null, 3_000_000);
    metrics.handshakeFailed("UNAUTHENTICATED");
    metrics.handshakeFailed(HubMetrics.TIMEOUT);
    Object conn = new Object();
    metrics.httpConnectionOpened(conn);
    String text = registry.scrape();

    assertTrue(text.contains("callmesh_calls_total{operation=\"/fs/readFile\",outcome=\"ok\",spoke=\"dev1\"} 1.0"), text);
    assertTrue(text.contains("callmesh_call_duration_seconds_bucket{operation=\"/fs/readFile\",spoke=\"dev1\",le=\"0.005\"} 1"), text);
    assertTrue(text.contains("callmesh_call_duration_seconds_bucket{operation=\"/fs/readFile\",spoke=\"dev1\",le=\"0.002\"} 0"), text);
    assertTrue(text.contains("callmesh_handshake_failures_total{reason=\"UNAUTHENTICATED\"} 1.0"), text);
    assertTrue(text.contains("callmesh_handshake_failures_total{reason=\"timeout\"} 1.0"), text);
    assertTrue(text.contains("callmesh_connections{transport=\"http\"} 1.0"), text);
    assertTrue(text.contains("callmesh_connections{transport=\"tcp\"} 0.0"), text);
    assertTrue(text.contains("callmesh_spokes{transport=\"tcp\"} 1.0"), text);
    assertTrue(text.contains("callmesh_spokes{transport=\"ws\"} 0.0"), text);

    metrics.httpConnectionGone(conn);
    metrics.httpConnectionGone(conn);
    spokes.clear();
    text = registry.scrape();
    assertTrue(text.contains("callmesh_connections{transport=\"http\"} 0.0"), text);
    assertTrue(text.contains("callmesh_spokes{transport=\"tcp\"} 0.0"), text);
  }

  @Test
  void madeUpPathsShareOneSeriesAndAreNotRemembered() {
    for (int i = 0; i < 500; i++) {
      metrics.callEnded("/nospoke" + i + "/x/y", "UNAVAILABLE", 1000);
      metrics.callEnded("/dev1/made/up" + i, "NOT_FOUND", 1000);
    }
    assertEquals(500, calls("unknown", "unknown", "UNAVAILABLE"));
    assertEquals(500, calls("dev1", "unknown", "NOT_FOUND"));
    assertEquals(2, seriesOf(HubMetrics.CALL_DURATION));
  }

  @Test
  void aKnownOperationKeepsItsLabelsAfterItsSpokeLeaves() {
    metrics.callEnded("/dev1/fs/readFile", null, 1000);
    spokes.clear(); // the labels function below no longer finds dev1
    HubMetrics gone = HubMetrics.create(registry, path -> OperationLabels.NOWHERE, List.of(), List::of);
    gone.callEnded("/dev1/fs/readFile", "UNAVAILABLE", 1000);
    assertEquals(1, calls("unknown", "unknown", "UNAVAILABLE"), "a fresh HubMetrics has no cache: it asks");
    metrics.callEnded("/dev1/fs/readFile", "UNAVAILABLE", 1000);
    assertEquals(1, calls("dev1", "/fs/readFile", "UNAVAILABLE"), "the cached labels of the path are used");
  }

  @Test
  void errorOutcomesAreCappedPerOperationAndOddCodesFold() {
    for (int i = 0; i < 40; i++) {
      metrics.callEnded("/dev1/fs/readFile", "CODE_" + i, 1000);
    }
    metrics.callEnded("/dev1/fs/readFile", "not a code {}", 1000);
    assertEquals(1, calls("dev1", "/fs/readFile", "CODE_0"));
    assertEquals(0, calls("dev1", "/fs/readFile", "CODE_39"));
    assertEquals(40 - CallMeters.MAX_OUTCOMES + 1, calls("dev1", "/fs/readFile", "other"));
    assertEquals(CallMeters.MAX_OUTCOMES + 2, registry.find(HubMetrics.CALLS).counters().size(), "16 codes, other, ok");
  }

  @Test
  void pastTheCapOperationsCountAsOther() {
    HubMetrics many = HubMetrics.create(registry, path -> new OperationLabels("s", path), List.of(), List::of);
    for (int i = 0; i < HubMetrics.MAX_OPERATIONS + 10; i++) {
      many.callEnded("/op" + i, null, 1000);
    }
    assertEquals(HubMetrics.MAX_OPERATIONS + 1, seriesOf(HubMetrics.CALL_DURATION));
    assertEquals(10, calls("other", "other", "ok"));
  }

  @Test
  void closeRemovesTheHubsMetersAndDisabledMetricsRecordNothing() {
    metrics.callEnded("/dev1/fs/readFile", null, 1000);
    metrics.gauge(HubMetrics.CALLS_PENDING, "pending", () -> 3);
    metrics.close();
    assertTrue(registry.getMeters().isEmpty());

    HubMetrics off = HubMetrics.disabled();
    off.callEnded("/dev1/fs/readFile", null, 1000);
    off.handshakeFailed("PROTOCOL");
    off.httpConnectionOpened(new Object());
    off.gauge(HubMetrics.CALLS_PENDING, "pending", () -> 3);
    assertFalse(off.enabled());
    assertNull(off.registry());
  }

  @Test
  void looksLikeCode() {
    assertTrue(CallMeters.looksLikeCode("FILE_NOT_FOUND"));
    assertTrue(CallMeters.looksLikeCode("E2BIG"));
    assertFalse(CallMeters.looksLikeCode(""));
    assertFalse(CallMeters.looksLikeCode("lower"));
    assertFalse(CallMeters.looksLikeCode("_X"));
    assertFalse(CallMeters.looksLikeCode("A".repeat(65)));
  }
}
