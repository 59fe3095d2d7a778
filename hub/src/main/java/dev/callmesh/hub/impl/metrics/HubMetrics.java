package dev.callmesh.hub.impl.metrics;

import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The hub's own meters (names as Prometheus shows them):
 *
 * <table>
 *   <caption>metrics</caption>
 *   <tr><td>{@code callmesh_calls_total{spoke,operation,outcome}}</td><td>counter: calls that ended; outcome {@code ok} or the error code</td></tr>
 *   <tr><td>{@code callmesh_call_duration_seconds{spoke,operation}}</td><td>histogram ({@code _bucket{le}}, {@code _count}, {@code _sum}, {@code _max}) of their durations</td></tr>
 *   <tr><td>{@code callmesh_calls_pending}</td><td>gauge: calls the hub awaits from spokes</td></tr>
 *   <tr><td>{@code callmesh_calls_in_flight}</td><td>gauge: calls the hub is serving (to spokes or itself)</td></tr>
 *   <tr><td>{@code callmesh_connections{transport}}</td><td>gauge: open connections, tcp/tls/ws/wss (handshaking or welcomed), http</td></tr>
 *   <tr><td>{@code callmesh_spokes{transport}}</td><td>gauge: connected spokes</td></tr>
 *   <tr><td>{@code callmesh_handshake_failures_total{reason}}</td><td>counter: the {@code auth.denied} code, or {@code timeout}</td></tr>
 *   <tr><td>{@code callmesh_authorized_keys}</td><td>gauge: keys in force (0 before the file is loaded)</td></tr>
 * </table>
 *
 * Label values come from what the hub knows (see {@link OperationLabels}), and at most
 * {@value #MAX_OPERATIONS} operations get series of their own: past that, calls count under
 * {@code spoke="other",operation="other"}. Recording a call is a map lookup by its path and an
 * increment; nothing is allocated once an operation has its meters. Safe to use from any thread.
 */
public final class HubMetrics {

  /** Counter of calls that ended. */
  public static final String CALLS = "callmesh.calls";
  /** Timer (histogram) of how long calls took. */
  public static final String CALL_DURATION = "callmesh.call.duration";
  /** Gauge of the calls the hub awaits from spokes. */
  public static final String CALLS_PENDING = "callmesh.calls.pending";
  /** Gauge of the calls the hub is serving. */
  public static final String CALLS_IN_FLIGHT = "callmesh.calls.in.flight";
  /** Gauge of open connections by transport. */
  public static final String CONNECTIONS = "callmesh.connections";
  /** Gauge of connected spokes by transport. */
  public static final String SPOKES = "callmesh.spokes";
  /** Counter of handshakes that ended without a welcome, by reason. */
  public static final String HANDSHAKE_FAILURES = "callmesh.handshake.failures";
  /** Gauge of the keys in force. */
  public static final String AUTHORIZED_KEYS = "callmesh.authorized.keys";
  /** Gauge: the hubs of the cluster (1 for a standalone hub). */
  public static final String CLUSTER_MEMBERS = "callmesh.cluster.members";
  /** Counter: calls that entered this hub and were passed on to another hub. */
  public static final String CLUSTER_FORWARDED = "callmesh.cluster.forwarded";

  /** Label: the spoke a call went to. */
  public static final String SPOKE = "spoke";
  /** Label: the operation, relative to the spoke. */
  public static final String OPERATION = "operation";
  /** Label: {@code ok} or the error code. */
  public static final String OUTCOME = "outcome";
  /** Label: tcp, tls, ws, wss or http. */
  public static final String TRANSPORT = "transport";
  /** Label: why a handshake failed. */
  public static final String REASON = "reason";
  /** The {@code transport} label of HTTP connections (also over TLS), as in the audit log. */
  public static final String HTTP = "http";
  /** The {@code reason} of a handshake that sent no valid hello in time. */
  public static final String TIMEOUT = "timeout";
  /** How many distinct operations get series of their own. */
  public static final int MAX_OPERATIONS = 2000;

  private static final HubMetrics DISABLED = new HubMetrics(null, path -> OperationLabels.OVERFLOW);

  private final PrometheusMeterRegistry registry;
  private final Function<String, OperationLabels> labels;
  private final Map<String, CallMeters> byPath = new ConcurrentHashMap<>();
  private final Map<OperationLabels, CallMeters> byLabels = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final Set<Object> httpConnections = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> handshakeFailures = new ConcurrentHashMap<>();
  private volatile CallMeters overflow;

  private HubMetrics(PrometheusMeterRegistry registry, Function<String, OperationLabels> labels) {
    this.registry = registry;
    this.labels = labels;
  }

  /**
   * @param registry where the meters go
   * @param labels the labels of a call to a path (see {@link OperationLabels#resolve})
   * @param transports the transports to show a connection and spoke count for even while it is 0
   * @param spokes the connected spokes, read when the gauges are
   * @return metrics recording into the registry
   */
  public static HubMetrics create(PrometheusMeterRegistry registry, Function<String, OperationLabels> labels,
                                  List<String> transports, Supplier<Collection<SpokeInfo>> spokes) {
    HubMetrics m = new HubMetrics(registry, labels);
    for (String t : transports) {
      m.connections(t);
      if (!t.equals(HTTP)) {
        Gauge.builder(SPOKES, () -> spokes.get().stream().filter(s -> s.transport().equals(t)).count())
            .description("Spokes connected to the hub, by transport").tag(TRANSPORT, t).register(registry);
      }
    }
    return m;
  }

  /** @return metrics that record nothing (the hub runs with metrics off) */
  public static HubMetrics disabled() {
    return DISABLED;
  }

  /** @return whether anything is recorded */
  public boolean enabled() {
    return registry != null;
  }

  /** @return the registry the meters are in, to scrape; {@code null} when disabled */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Adds a gauge read when the metrics are scraped.
   *
   * @param name one of the gauge names above
   * @param description what it counts
   * @param value reads the value; called on the scraping thread
   */
  public void gauge(String name, String description, Supplier<Number> value) {
    if (registry != null) {
      Gauge.builder(name, value).description(description).register(registry);
    }
  }

  /**
   * Adds a counter read when the metrics are scraped (the count is kept elsewhere).
   *
   * @param name one of the counter names above
   * @param description what it counts
   * @param count reads the count; called on the scraping thread
   */
  public void counter(String name, String description, Supplier<Number> count) {
    if (registry != null) {
      io.micrometer.core.instrument.FunctionCounter.builder(name, count, c -> c.get().doubleValue())
          .description(description).register(registry);
    }
  }

  /**
   * Counts a call through the hub that ended.
   *
   * @param path the operation path as the caller sent it
   * @param errorCode the error code it ended with, or {@code null} when it succeeded
   * @param nanos how long it took
   */
  public void callEnded(String path, String errorCode, long nanos) {
    if (registry == null) {
      return;
    }
    CallMeters m = byPath.get(path);
    if (m == null) {
      m = meters(path);
    }
    m.record(errorCode, nanos);
  }

  /** Finds or makes the meters of a path not seen before; only paths of known operations are kept. */
  private CallMeters meters(String path) {
    OperationLabels l = labels.apply(path);
    CallMeters m = byLabels.get(l);
    if (m == null) {
      if (byLabels.size() >= MAX_OPERATIONS) {
        CallMeters o = overflow;
        return o != null ? o : (overflow = new CallMeters(registry, OperationLabels.OVERFLOW));
      }
      m = byLabels.computeIfAbsent(l, x -> new CallMeters(registry, x));
    }
    if (l.known() && byPath.size() < MAX_OPERATIONS) {
      byPath.put(path, m);
    }
    return m;
  }

  /** Counts the connection as open until it closes. */
  public void trackConnection(EnvelopeTransport transport) {
    if (registry == null) {
      return;
    }
    AtomicInteger n = connections(transport.transportName());
    n.incrementAndGet();
    transport.closed().onComplete(v -> n.decrementAndGet());
  }

  /** @return the count of open connections of the transport, with its gauge */
  private AtomicInteger connections(String transport) {
    return connections.computeIfAbsent(transport, t -> {
      AtomicInteger n = new AtomicInteger();
      Supplier<Number> value = t.equals(HTTP) ? httpConnections::size : n::get;
      Gauge.builder(CONNECTIONS, value).description("Open connections to the hub, by transport")
          .tag(TRANSPORT, t).register(registry);
      return n;
    });
  }

  /** Counts an HTTP connection as open until {@link #httpConnectionGone} is called for it. */
  public void httpConnectionOpened(Object connection) {
    if (registry != null) {
      connections(HTTP);
      httpConnections.add(connection);
    }
  }

  /**
   * An HTTP connection closed, or became a WebSocket (from then on counted by its transport, ws or
   * wss); a second call for the same connection does nothing.
   */
  public void httpConnectionGone(Object connection) {
    httpConnections.remove(connection);
  }

  /**
   * Counts a handshake that ended without a welcome.
   *
   * @param reason the {@code auth.denied} code, or {@link #TIMEOUT}
   */
  public void handshakeFailed(String reason) {
    if (registry == null) {
      return;
    }
    handshakeFailures.computeIfAbsent(reason, r -> Counter.builder(HANDSHAKE_FAILURES)
        .description("Handshakes that ended without a welcome, by reason (the auth.denied code, or timeout)")
        .tag(REASON, r).register(registry)).increment();
  }

  /** Removes this hub's meters from the registry (which may outlive the hub). */
  public void close() {
    if (registry == null) {
      return;
    }
    for (Meter meter : registry.getMeters()) {
      if (meter.getId().getName().startsWith("callmesh.")) {
        registry.remove(meter);
      }
    }
  }
}
