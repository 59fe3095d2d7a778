package dev.callmesh.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every repeated measurement, reduced to medians and written as
 * {@code {"machine": {...}, "scenarios": {NAME: {SYSTEM: {METRIC: number|null}}}}} (and, when {@code cross_hub} ran,
 * {@code "cross_hub_vs_same_hub": {"p50": ratio, "p99": ratio, "rps": ratio}}) and as Markdown tables.
 */
final class Results {

  /** The metrics of each scenario, in table order; a metric a system did not report is null. */
  static final Map<String, List<String>> METRICS = new LinkedHashMap<>();

  static {
    METRICS.put("latency_100b", RequestReply.metrics("p50_us", "p99_us", "p999_us"));
    METRICS.put("throughput_100b", RequestReply.metrics("rps"));
    METRICS.put("throughput_64k", RequestReply.metrics("mbps"));
    METRICS.put("fanout_100_spokes", RequestReply.metrics("rps", "p99_us"));
    METRICS.put(CrossHubScenario.NAME, CrossHubScenario.METRICS);
    METRICS.put(WebSocketScenario.NAME, WebSocketScenario.METRICS);
    METRICS.put("spokes_10k", List.of("heap_mib", "handshakes_per_s", "p99_us", "one_spoke_p99_us"));
    METRICS.put(FanoutScenario.NAME, FanoutScenario.METRICS);
    METRICS.put(JobScenario.NAME, JobScenario.METRICS);
    METRICS.put("spoke_footprint", List.of("rss_mib", "start_ms"));
  }

  private final Map<String, List<Double>> samples = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /** Records one measurement of a metric. */
  synchronized void add(String scenario, String system, String metric, double value) {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      samples.computeIfAbsent(scenario + "/" + system + "/" + metric, k -> new ArrayList<>()).add(value);
    }
  }

  /** Records a remark for the report (a failed measurement, a caveat). */
  synchronized void note(String text) {
    notes.add(text);
  }

  /** @return the median of the samples, or {@code null} when there are none */
  synchronized Double median(String scenario, String system, String metric) {
    List<Double> s = samples.get(scenario + "/" + system + "/" + metric);
    if (s == null || s.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(s);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private int maxCount(String scenario, String metric) {
    int n = 0;
    for (String system : Systems.ALL) {
      n = Math.max(n, count(scenario, system, metric));
    }
    return n;
  }

  private synchronized int count(String scenario, String system, String metric) {
    List<Double> s = samples.get(scenario + "/" + system + "/" + metric);
    return s == null ? 0 : s.size();
  }

  /** @return the results document */
  JsonObject toJson(JsonObject machine) {
    JsonObject scenarios = new JsonObject();
    METRICS.forEach((scenario, metrics) -> {
      JsonObject bySystem = new JsonObject();
      for (String system : Systems.ALL) {
        JsonObject m = new JsonObject();
        for (String metric : metrics) {
          Double v = median(scenario, system, metric);
          if (v == null) {
            m.putNull(metric);
          } else {
            m.put(metric, round(v));
          }
        }
        bySystem.put(system, m);
      }
      scenarios.put(scenario, bySystem);
    });
    JsonObject doc = new JsonObject().put("machine", machine).put("scenarios", scenarios);
    JsonObject crossHub = CrossHubScenario.ratios(this);
    if (crossHub != null) {
      doc.put("cross_hub_vs_same_hub", crossHub);
    }
    return doc;
  }

  /** @return the medians as a Markdown table, ratios included */
  String toMarkdown(JsonObject machine) {
    StringBuilder sb = new StringBuilder();
    sb.append("# callmesh benchmark\n\n");
    sb.append(String.format(Locale.ROOT, "%s; %d cores, %d MiB, Java %s; %s; %s run, medians of %s repetitions.%n%n",
        machine.getString("date"), machine.getInteger("cores"), machine.getLong("memory_mib"),
        machine.getString("java"), machine.getString("os"), machine.getString("mode"), machine.getString("repetitions")));
    sb.append("| scenario | metric | better | callmesh | nats | relay | callmesh/nats | callmesh/relay | n |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    METRICS.forEach((scenario, metrics) -> {
      for (String metric : metrics) {
        Double c = median(scenario, Systems.CALLMESH, metric);
        Double n = median(scenario, Systems.NATS, metric);
        Double r = median(scenario, Systems.RELAY, metric);
        sb.append("| ").append(scenario).append(" | ").append(metric).append(" | ")
            .append(higherIsBetter(metric) ? "higher" : "lower").append(" | ")
            .append(fmt(c)).append(" | ").append(fmt(n)).append(" | ").append(fmt(r)).append(" | ")
            .append(ratio(c, n)).append(" | ").append(ratio(c, r)).append(" | ")
            .append(maxCount(scenario, metric)).append(" |\n");
      }
    });
    sb.append(CrossHubScenario.table(this));
    synchronized (this) {
      if (!notes.isEmpty()) {
        sb.append("\nNotes:\n\n");
        notes.forEach(x -> sb.append("- ").append(x).append('\n'));
      }
    }
    return sb.toString();
  }

  /** Writes {@code latest.json} and {@code latest.md} into the directory. */
  void write(Path dir, JsonObject machine) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("latest.json"), toJson(machine).encodePrettily() + "\n");
    Files.writeString(dir.resolve("latest.md"), toMarkdown(machine));
  }

  static boolean higherIsBetter(String metric) {
    return metric.endsWith("rps") || metric.equals("mbps") || metric.equals("handshakes_per_s");
  }

  private static double round(double v) {
    return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10.0;
  }

  static String fmt(Double v) {
    if (v == null) {
      return "–";
    }
    double r = round(v);
    return r == Math.rint(r) ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.1f", r);
  }

  static String ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
  }
}
