package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hub jar started before its authorized_keys file exists: it runs, says so on {@code /readyz} (503,
 * with the failing check), denies connections as UNAVAILABLE (retryable, so a spoke keeps trying), and
 * becomes ready, and lets the spoke and clients in, once the file appears.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadinessIT {

  Mesh mesh;

  @BeforeEach
  void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  HttpApiIT.Http get(String path) throws Exception {
    return HttpApiIT.curl("http://127.0.0.1:" + mesh.httpPort + path);
  }

  static JsonObject check(JsonObject health, String id) {
    JsonArray checks = health.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + health.encode());
  }

  @Test
  void readyzIs503UntilTheKeysFileAppearsThenClientsGetIn() throws Exception {
    Path spokeKey = mesh.key("dev1");
    Path admin = mesh.key("admin");
    Files.delete(mesh.keys);
    mesh.startHub(0);

    HttpApiIT.Http notReady = get("/readyz");
    assertEquals(503, notReady.status(), notReady.body());
    assertEquals("DOWN", notReady.json().getString("status"), notReady.body());
    JsonObject keys = check(notReady.json(), "authorized-keys");
    assertEquals("DOWN", keys.getString("status"));
    assertTrue(keys.getJsonObject("data").getString("reason").contains("does not exist"), keys.encode());
    assertTrue(!notReady.body().contains(mesh.dir.toString()), "the unauthenticated answer names a file path");
    assertEquals("UP", check(notReady.json(), "listener").getString("status"));
    HttpApiIT.Http alive = get("/healthz");
    assertEquals(200, alive.status(), alive.body());
    assertEquals("UP", alive.json().getString("status"));

    CallException denied = assertThrows(CallException.class, () -> mesh.client(admin));
    assertEquals("UNAVAILABLE", denied.code(), denied.getMessage());
    assertTrue(denied.getMessage().contains("authorized_keys"), denied.getMessage());
    assertTrue(denied.retryable(), "\"try again in a moment\" is retryable: " + denied.getMessage());
    HttpApiIT.Http call = HttpApiIT.curl("-H", "Authorization: Bearer some.jwt.token", "-d", "{}",
        "http://127.0.0.1:" + mesh.httpPort + "/v1/call/dev1/fs/stat");
    assertEquals(503, call.status(), call.body());
    assertEquals("UNAVAILABLE", call.json().getJsonObject("error").getString("code"), call.body());
    assertEquals(Boolean.TRUE, call.json().getJsonObject("error").getBoolean("retryable"), call.body());
    JavaProcess spoke = mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, "dev1", spokeKey, mesh.root("dev1"), false);

    // Written elsewhere and moved in, as editors and Kubernetes secret updates do.
    Path next = mesh.dir.resolve("authorized_keys.new");
    Files.writeString(next, "name=\"dev1\",spoke=\"dev1\" " + Files.readString(Path.of(spokeKey + ".pub"))
        + "name=\"admin\",allow=\"/dev1/*\" " + Files.readString(Path.of(admin + ".pub")));
    Files.move(next, mesh.keys, StandardCopyOption.ATOMIC_MOVE);
    long written = System.nanoTime();

    HttpApiIT.Http ready = get("/readyz");
    while (ready.status() != 200 && System.nanoTime() - written < TimeUnit.SECONDS.toNanos(5)) {
      Thread.sleep(100);
      ready = get("/readyz");
    }
    assertEquals(200, ready.status(), "not ready 5 s after the keys file appeared: " + ready.body());
    assertEquals("UP", check(ready.json(), "authorized-keys").getString("status"));

    spoke.awaitLine(l -> l.contains("connected to"), Duration.ofSeconds(15));
    CallmeshClient client = mesh.client(admin);
    JsonObject stat = (JsonObject) client.call("/dev1/fs/stat", new JsonObject().put("path", ".")).await();
    assertEquals("directory", stat.getString("type"));

    PromText m = new PromText(get("/metrics").body());
    assertTrue(m.value("callmesh_handshake_failures_total", Map.of("reason", "UNAVAILABLE")) >= 1, m.text);
    assertEquals(2, m.value("callmesh_authorized_keys", Map.of()), m.text);
  }

  @Test
  void metricsOffLeavesNoMetricsEndpoint() throws Exception {
    mesh.startHub(0, "--metrics", "off");
    assertEquals(404, get("/metrics").status());
    assertEquals(200, get("/readyz").status());
  }
}
