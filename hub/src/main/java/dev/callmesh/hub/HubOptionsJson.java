package dev.callmesh.hub;

import dev.callmesh.protocol.util.Durations;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Reads a config file's JSON into {@link HubOptions}, through its setters and their checks. */
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
  }
}
