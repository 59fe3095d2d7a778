package dev.callmesh.spoke;

import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a config file's JSON into {@link SpokeOptions}, through its setters and their checks. */
final class SpokeOptionsJson {

  private SpokeOptionsJson() {
  }

  /**
   * @param o the options to fill
   * @param json a config file's object; missing and {@code null} keys are left alone
   * @throws IllegalArgumentException for a value out of range (a setter's check)
   * @throws ClassCastException for a value of the wrong type
   */
  static void fill(SpokeOptions o, JsonObject json) {
    Object hub = json.getValue("hub");
    if (hub instanceof JsonArray list) {
      List<HubUrl> urls = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        try {
          urls.add(HubUrl.parse((String) list.getValue(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("hub URL " + (i + 1) + " of " + list.size() + ": " + e.getMessage(), e);
        }
      }
      o.setHubUrls(urls);
    } else if (hub != null) {
      o.setHubUrls(HubUrl.parseList((String) hub));
    }
    if (json.getString("name") != null) {
      o.setName(json.getString("name"));
    }
    JsonObject labels = json.getJsonObject("labels");
    if (labels != null) {
      Map<String, String> map = new LinkedHashMap<>();
      labels.forEach(e -> map.put(e.getKey(), (String) e.getValue()));
      o.setLabels(map);
    }
    o.setPool(json.getString("pool", o.getPool()));
    if (json.getString("key") != null) {
      o.setKeyFile(Path.of(json.getString("key")));
    }
    if (json.getString("root") != null) {
      o.setRoot(Path.of(json.getString("root")));
    }
    if (json.getJsonArray("services") != null) {
      List<String> names = new ArrayList<>();
      json.getJsonArray("services").forEach(s -> names.add((String) s));
      o.setServices(names);
    }
    o.setCaFile(path(json, "ca"));
    o.setKnownHosts(path(json, "knownHosts"));
    o.setClientCert(path(json, "cert"), path(json, "certKey"));
    long base = millis(json, "reconnectBase", o.getReconnectBaseMs());
    o.setReconnect(base, millis(json, "reconnectMax", Math.max(base, o.getReconnectMaxMs())));
    o.setShutdownGraceMs(millis(json, "shutdownGrace", o.getShutdownGraceMs()));
    o.setWorkerThreads(number(json, "workerThreads", o.getWorkerThreads()));
    o.setStreamThreads(number(json, "streamThreads", o.getStreamThreads()));
  }

  private static Path path(JsonObject json, String key) {
    String v = json.getString(key);
    return v == null ? null : Path.of(v);
  }

  private static int number(JsonObject json, String key, int otherwise) {
    Integer v = json.getInteger(key);
    return v == null ? otherwise : v;
  }

  private static long millis(JsonObject json, String key, long otherwise) {
    String v = json.getString(key);
    return v == null ? otherwise : Durations.parse(v).toMillis();
  }
}
