package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Options survive a copy and a config file: the hub works on a copy of what it is given. */
class HubOptionsTest {

  @Test
  void httpOffStaysOffThroughACopy() {
    HubOptions off = new HubOptions().setHttp(null);
    assertNull(new HubOptions(off).getHttp(), "a copy of --http off must not listen on the default port");
    assertNull(new HubOptions(new JsonObject().put("http", "off")).getHttp());
    assertNull(new HubOptions(new JsonObject().putNull("http")).getHttp());
  }

  @Test
  void aCopyKeepsTheHttpAddressAndTheDefaultWhenUnset() {
    HubOptions some = new HubOptions().setHttp(HostPort.parse("127.0.0.1:0"));
    assertEquals(some.getHttp().toString(), new HubOptions(some).getHttp().toString());
    assertEquals(new HubOptions().getHttp().toString(), new HubOptions(new JsonObject()).getHttp().toString());
  }

  @Test
  void theJsonDepthIsAnOptionOfThisHubAndSurvivesACopy() {
    HubOptions o = new HubOptions().setMaxJsonDepth(64).setMaxFrameBytes(4096);
    assertEquals(new JsonLimits(64, JsonLimits.DEFAULT_MAX_NUMBER_LENGTH, 4096), o.getJsonLimits());
    assertEquals(64, new HubOptions(o).getMaxJsonDepth());
    assertEquals(64, new HubOptions(new JsonObject().put("maxJsonDepth", 64)).getMaxJsonDepth());
    assertEquals(JsonLimits.DEFAULT_MAX_DEPTH, new HubOptions().getJsonLimits().maxDepth());
    assertThrows(IllegalArgumentException.class, () -> new HubOptions().setMaxJsonDepth(15));
  }

  @Test
  void theDataDirectoryIsReadFromAConfigFileAndSurvivesACopy() {
    assertNull(new HubOptions().getDataDir(), "an embedded hub keeps nothing on disk unless told");
    HubOptions o = new HubOptions(new JsonObject().put("dataDir", "/var/lib/callmesh"));
    assertEquals(java.nio.file.Path.of("/var/lib/callmesh"), o.getDataDir());
    assertEquals(o.getDataDir(), new HubOptions(o).getDataDir());
  }

  @Test
  void theJobRetentionIsReadFromAConfigFileChecked() {
    assertEquals(JobOptions.DEFAULT_RETENTION_MS, new HubOptions().getJobs().getRetentionMs());
    assertEquals(7L * 24 * 3600 * 1000, JobOptions.DEFAULT_RETENTION_MS);
    HubOptions o = new HubOptions(new JsonObject().put("jobRetention", "36h")
        .put("jobs", new JsonObject().put("maxRunningPerIdentity", 5)));
    assertEquals(36L * 3600 * 1000, o.getJobs().getRetentionMs());
    assertEquals(5, o.getJobs().getMaxRunningPerIdentity());
    HubOptions copy = new HubOptions(o);
    assertEquals(36L * 3600 * 1000, copy.getJobs().getRetentionMs());
    assertEquals(5, copy.getJobs().getMaxRunningPerIdentity());
    copy.getJobs().setRetentionMs(60_000);
    assertEquals(36L * 3600 * 1000, o.getJobs().getRetentionMs(), "a copy has its own job options");
    assertThrows(IllegalArgumentException.class, () -> new HubOptions(new JsonObject().put("jobRetention", "soon")));
    assertThrows(IllegalArgumentException.class, () -> new HubOptions().getJobs().setMaxRunningPerIdentity(0));
  }

  @Test
  void allowedOriginsAreNormalizedCheckedAndSurviveACopyAndAConfigFile() {
    assertEquals(java.util.List.of(), new HubOptions().getWeb().getAllowedOrigins(), "only the hub's own by default");
    HubOptions o = new HubOptions();
    o.getWeb().setAllowedOrigins(WebOptions.parseOrigins("HTTPS://App.Example.com:443, http://localhost:3000,"));
    java.util.List<String> expected = java.util.List.of("https://app.example.com", "http://localhost:3000");
    assertEquals(expected, o.getWeb().getAllowedOrigins());
    assertEquals(expected, new HubOptions(o).getWeb().getAllowedOrigins());
    assertEquals(expected, new HubOptions(new JsonObject().put("allowedOrigins",
        new io.vertx.core.json.JsonArray(expected))).getWeb().getAllowedOrigins());
    assertEquals(expected, new HubOptions(new JsonObject().put("allowedOrigins",
        "https://app.example.com,http://localhost:3000")).getWeb().getAllowedOrigins(), "a comma list in a file too");
    for (String bad : java.util.List.of("app.example.com", "ftp://x", "https://x/path", "null", "https://")) {
      assertThrows(IllegalArgumentException.class, () -> new WebOptions().setAllowedOrigins(java.util.List.of(bad)), bad);
    }
    assertEquals("http://[::1]:7480", WebOptions.normalizeOrigin("http://[::1]:7480"));
    HubOptions copy = new HubOptions(o);
    copy.getWeb().setAllowedOrigins(java.util.List.of());
    assertEquals(expected, o.getWeb().getAllowedOrigins(), "a copy has its own web options");
  }
}
