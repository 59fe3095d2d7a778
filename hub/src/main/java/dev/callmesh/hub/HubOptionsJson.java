package dev.callmesh.hub;

import dev.callmesh.protocol.util.Durations;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** A config file's JSON and {@link HubOptions}: reading it through the setters and their checks, and writing it. */
final class HubOptionsJson {

  private HubOptionsJson() {
  }

  /**
   * @param o the options to fill
   * @param json a config file's object, with the keys {@link HubOptions#toJson()} writes; missing keys
   *     are left alone
   * @throws IllegalArgumentException for a value out of range (a setter's check)
   * @throws ClassCastException for a value of the wrong type
   */
  static void fill(HubOptions o, JsonObject json) {
    if (json.containsKey("listen")) {
      o.setListen(HostPort.parse(json.getString("listen")));
    }
    if (json.containsKey("authorizedKeys")) {
      o.setAuthorizedKeys(Path.of(json.getString("authorizedKeys")));
    }
    if (json.containsKey("http")) {
      // null (as toJson() writes it) or "off": no HTTP listener
      String http = json.getString("http");
      o.setHttp(http == null || http.equals("off") ? null : HostPort.parse(http));
    }
    if (json.getString("tlsCert") != null) {
      o.setTls(Path.of(json.getString("tlsCert")), Path.of(json.getString("tlsKey", "")));
    }
    if (json.getString("clientCa") != null) {
      o.setClientCa(Path.of(json.getString("clientCa")));
    }
    if (json.getString("hubKey") != null) {
      o.setHubKey(Path.of(json.getString("hubKey")));
    }
    if (json.getString("dataDir") != null) {
      o.setDataDir(Path.of(json.getString("dataDir")));
    }
    o.setHubId(json.getString("hubId", o.getHubId()));
    o.setMaxFrameBytes(json.getInteger("maxFrameBytes", o.getMaxFrameBytes()));
    o.setMaxJsonDepth(json.getInteger("maxJsonDepth", o.getMaxJsonDepth()));
    if (json.containsKey("heartbeat")) {
      o.setHeartbeatMs(Durations.parse(json.getString("heartbeat")).toMillis());
    }
    if (json.containsKey("handshakeTimeout")) {
      o.setHandshakeTimeoutMs(Durations.parse(json.getString("handshakeTimeout")).toMillis());
    }
    o.setMaxConnections(json.getInteger("maxConnections", o.getMaxConnections()));
    o.setMaxConnectionsPerSource(json.getInteger("maxConnectionsPerSource", o.getMaxConnectionsPerSource()));
    o.setMaxCallsPerSecond(json.getInteger("maxCallsPerSecond", o.getMaxCallsPerSecond()));
    o.setMaxInFlight(json.getInteger("maxInFlight", o.getMaxInFlight()));
    if (json.containsKey("shutdownGrace")) {
      o.setShutdownGraceMs(Durations.parse(json.getString("shutdownGrace")).toMillis());
    }
    if (json.containsKey("keysPoll")) {
      o.setKeysPollMs(Durations.parse(json.getString("keysPoll")).toMillis());
    }
    o.setMetrics(json.getBoolean("metrics", o.isMetrics()));
    o.setEventLoops(json.getInteger("eventLoops", o.getEventLoops()));
    o.setLoopFill(json.getInteger("loopFill", o.getLoopFill()));
    if (json.getJsonObject("cluster") != null) {
      o.setCluster(new ClusterOptions(json.getJsonObject("cluster")));
    }
    if (json.getJsonObject("jobs") != null) {
      o.setJobs(new JobOptions(json.getJsonObject("jobs")));
    }
    if (json.containsKey("jobRetention")) {
      o.getJobs().setRetentionMs(Durations.parse(json.getString("jobRetention")).toMillis());
    }
    if (json.getValue("allowedOrigins") != null) {
      o.getWeb().setAllowedOrigins(new WebOptions(json).getAllowedOrigins());
    }
  }

  /** @return the options as config-file JSON, as {@link #fill} reads it */
  static JsonObject write(HubOptions o) {
    return new JsonObject()
        .put("listen", o.getListen().toString())
        .put("authorizedKeys", o.getAuthorizedKeys().toString())
        .put("hubKey", o.getHubKey() == null ? null : o.getHubKey().toString())
        .put("dataDir", o.getDataDir() == null ? null : o.getDataDir().toString())
        .put("http", o.getHttp() == null ? null : o.getHttp().toString())
        .put("tlsCert", o.getTlsCert() == null ? null : o.getTlsCert().toString())
        .put("tlsKey", o.getTlsKey() == null ? null : o.getTlsKey().toString())
        .put("clientCa", o.getClientCa() == null ? null : o.getClientCa().toString())
        .put("hubId", o.getHubId())
        .put("maxFrameBytes", o.getMaxFrameBytes())
        .put("maxJsonDepth", o.getMaxJsonDepth())
        .put("heartbeat", o.getHeartbeatMs() + "ms")
        .put("handshakeTimeout", o.getHandshakeTimeoutMs() + "ms")
        .put("keysPoll", o.getKeysPollMs() + "ms")
        .put("maxConnections", o.getMaxConnections())
        .put("maxConnectionsPerSource", o.getMaxConnectionsPerSource())
        .put("maxCallsPerSecond", o.getMaxCallsPerSecond())
        .put("maxInFlight", o.getMaxInFlight())
        .put("shutdownGrace", o.getShutdownGraceMs() + "ms")
        .put("metrics", o.isMetrics())
        .put("eventLoops", o.getEventLoops())
        .put("loopFill", o.getLoopFill())
        .put("cluster", o.getCluster() == null ? null : o.getCluster().toJson())
        .put("jobRetention", o.getJobs().getRetentionMs() + "ms")
        .put("jobs", new JsonObject().put("maxRunningPerIdentity", o.getJobs().getMaxRunningPerIdentity()))
        .put("allowedOrigins", o.getWeb().toJson().getValue("allowedOrigins"));
  }
}
