package dev.callmesh.hub.impl.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Where the hub's meters live. A hub process runs on a Vert.x made by {@link #vertx}, whose own metrics
 * (bytes and connections of the TCP and HTTP servers, worker pools, the JVM) go to the same Prometheus
 * registry as the hub's; a hub embedded in another Vert.x gets a registry of its own, with only the
 * hub's meters.
 */
public final class MeterRegistries {

  /** The vertx-micrometer-metrics registry name of a hub process. */
  public static final String REGISTRY_NAME = "callmesh";

  private MeterRegistries() {
  }

  /**
   * @param metrics whether Vert.x should report its own metrics
   * @param options the options to start from (a clustered hub sets its event bus in them)
   * @return a builder of a Vert.x instance; with {@code metrics}, one reporting its servers, pools and the
   *     JVM to a Prometheus registry named {@value #REGISTRY_NAME}
   */
  public static VertxBuilder builder(boolean metrics, VertxOptions options) {
    if (!metrics) {
      return Vertx.builder().with(options);
    }
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(REGISTRY_NAME)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // The hub makes no client connections; leave those out, and the event bus's own.
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.VERTICLES);
    return Vertx.builder().with(options.setMetricsOptions(metricsOptions)).withMetrics(new MicrometerMetricsFactory());
  }

  /**
   * @return the Prometheus registry the Vert.x instance reports to, if it was made by {@link #vertx};
   *     otherwise a new registry
   */
  public static PrometheusMeterRegistry of(Vertx vertx) {
    MeterRegistry shared = vertx.isMetricsEnabled() ? BackendRegistries.getNow(REGISTRY_NAME) : null;
    return shared instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
