package dev.callmesh.spoke;

import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SpokeOptions}: defaults, the JSON round trip of a config file, the copy, and the setters' checks. */
class SpokeOptionsTest {

  private static SpokeOptions full() {
    return new SpokeOptions()
        .setHubUrl(HubUrl.parse("tls://hub.example:7401"))
        .setName("dev1")
        .setKeyFile(Path.of("/keys/dev1"))
        .setRoot(Path.of("/srv/dev1"))
        .setServices(List.of("fs", "search"))
        .setCaFile(Path.of("/tls/ca.pem"))
        .setKnownHosts(Path.of("/ssh/known_hosts"))
        .setClientCert(Path.of("/tls/dev1.pem"), Path.of("/tls/dev1.key"))
        .setReconnect(200, 5_000)
        .setShutdownGraceMs(3_000)
        .setWorkerThreads(4)
        .setStreamThreads(32);
  }

  @Test
  void defaultsAreTheDocumentedConstants() {
    SpokeOptions o = new SpokeOptions();
    assertEquals(SpokeOptions.DEFAULT_HUB, o.getHubUrl().toString());
    assertEquals(Path.of(SpokeOptions.DEFAULT_ROOT), o.getRoot());
    assertEquals(SpokeOptions.SERVICES, o.getServices());
    assertEquals(SpokeOptions.DEFAULT_RECONNECT_BASE_MS, o.getReconnectBaseMs());
    assertEquals(SpokeOptions.DEFAULT_RECONNECT_MAX_MS, o.getReconnectMaxMs());
    assertEquals(SpokeOptions.DEFAULT_SHUTDOWN_GRACE_MS, o.getShutdownGraceMs());
    assertEquals(SpokeOptions.DEFAULT_WORKER_THREADS, o.getWorkerThreads());
    assertEquals(SpokeOptions.DEFAULT_STREAM_THREADS, o.getStreamThreads());
    assertNull(o.getName());
    assertNull(o.getKeyFile());
    assertNull(o.getCertFile());
  }

  @Test
  void toJsonAndBackAndTheCopyKeepEverySetting() {
    SpokeOptions o = full();
    assertEquals(o.toJson(), new SpokeOptions(o.toJson()).toJson());
    assertEquals(o.toJson(), new SpokeOptions(o).toJson());
    assertEquals(new SpokeOptions().toJson(), new SpokeOptions(new SpokeOptions().toJson()).toJson());
  }

  @Test
  void aConfigFileNamesItsKeysAfterTheFlags() {
    SpokeOptions o = new SpokeOptions(new JsonObject()
        .put("hub", "tcp://10.0.0.1:7400").put("name", "dev2").put("key", "k").put("root", "/w")
        .put("services", new JsonArray().add("bash")).put("cert", "c.pem").put("certKey", "c.key")
        .put("reconnectBase", "1s").put("reconnectMax", "30s").put("shutdownGrace", "500ms")
        .put("streamThreads", 8));
    assertEquals("tcp://10.0.0.1:7400", o.getHubUrl().toString());
    assertEquals("dev2", o.getName());
    assertEquals(List.of("bash"), o.getServices());
    assertEquals(Path.of("c.key"), o.getCertKeyFile());
    assertEquals(1_000, o.getReconnectBaseMs());
    assertEquals(30_000, o.getReconnectMaxMs());
    assertEquals(500, o.getShutdownGraceMs());
    assertEquals(8, o.getStreamThreads());
    assertEquals(SpokeOptions.DEFAULT_WORKER_THREADS, o.getWorkerThreads(), "a missing key keeps the default");
  }

  @Test
  void theHubIsAListOfUrlsInTheConfigFileAsACommaSeparatedStringOrAnArray() {
    List<HubUrl> two = HubUrl.parseList("tcp://a:7400,ws://b:7480/v1/ws");
    assertEquals(two, new SpokeOptions(new JsonObject().put("hub", "tcp://a:7400, ws://b:7480/v1/ws")).getHubUrls());
    assertEquals(two, new SpokeOptions(new JsonObject()
        .put("hub", new JsonArray().add("tcp://a:7400").add("ws://b:7480/v1/ws"))).getHubUrls());
    SpokeOptions o = new SpokeOptions().setHubUrls(two);
    assertEquals("tcp://a:7400,ws://b:7480/v1/ws", o.toJson().getString("hub"));
    assertEquals(two, new SpokeOptions(o.toJson()).getHubUrls());
    assertEquals(two, new SpokeOptions(o).getHubUrls());
    assertEquals(HubUrl.parse("tcp://a:7400"), o.getHubUrl(), "the hub dialled first");
    assertEquals(List.of(HubUrl.parse("tcp://c:1")), o.setHubUrl(HubUrl.parse("tcp://c:1")).getHubUrls());
  }

  @Test
  void aBadHubListIsRefusedNamingTheEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SpokeOptions(new JsonObject().put("hub", "tcp://a:7400,nope://b")));
    assertTrue(e.getMessage().contains("hub URL 2 of 2"), e.getMessage());
    IllegalArgumentException inArray = assertThrows(IllegalArgumentException.class,
        () -> new SpokeOptions(new JsonObject().put("hub", new JsonArray().add("tcp://a:7400").add("nope://b"))));
    assertTrue(inArray.getMessage().contains("hub URL 2 of 2"), inArray.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("hub", new JsonArray())));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("hub", new JsonArray().add(7))));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions().setHubUrls(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions().setHubUrls(null));
  }

  @Test
  void badValuesAreRefusedWithIllegalArgumentException() {
    SpokeOptions o = new SpokeOptions();
    assertThrows(IllegalArgumentException.class, () -> o.setName("Dev_1"));
    assertThrows(IllegalArgumentException.class, () -> o.setName(null));
    assertThrows(IllegalArgumentException.class, () -> o.setHubUrl(null));
    assertThrows(IllegalArgumentException.class, () -> o.setRoot(null));
    assertThrows(IllegalArgumentException.class, () -> o.setKeyFile(null));
    assertThrows(IllegalArgumentException.class, () -> o.setServices(List.of("fs", "ftp")));
    assertThrows(IllegalArgumentException.class, () -> o.setServices(List.of()));
    assertThrows(IllegalArgumentException.class, () -> o.setClientCert(Path.of("c.pem"), null));
    assertThrows(IllegalArgumentException.class, () -> o.setClientCert(null, Path.of("c.key")));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnect(5, 100));
    assertThrows(IllegalArgumentException.class, () -> o.setReconnect(100, 50));
    assertThrows(IllegalArgumentException.class, () -> o.setShutdownGraceMs(-1));
    assertThrows(IllegalArgumentException.class, () -> o.setWorkerThreads(0));
    assertThrows(IllegalArgumentException.class, () -> o.setStreamThreads(SpokeOptions.MIN_STREAM_THREADS - 1));
    assertEquals(new SpokeOptions().toJson(), o.toJson(), "a refused value changes nothing");
  }

  @Test
  void aConfigValueOfTheWrongTypeOrRangeIsAnIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("streamThreads", "many")));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("services", "fs")));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("shutdownGrace", "soon")));
    assertThrows(IllegalArgumentException.class, () -> new SpokeOptions(new JsonObject().put("cert", "c.pem")));
  }

  @Test
  void duplicateServicesCountOnce() {
    assertEquals(List.of("fs", "bash"), new SpokeOptions().setServices(List.of("fs", "bash", "fs")).getServices());
  }
}
