package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who a spoke is: encrypted keys, the hub's own key, and a second connection under the same name. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpokeIdentityIT {

  Mesh mesh;
  Path admin;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    admin = mesh.userKey("admin", "/*");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  @Test
  void anEncryptedSpokeKeyTakesItsPassphraseFromTheEnvironment() throws Exception {
    Path key = mesh.key("locked", "correct horse");
    mesh.authorize("spoke=\"dev1\"", key);
    mesh.startHub(0);
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("f.txt"), "locked");
    mesh.startSpoke("dev1", key, root, Map.of("CALLMESH_KEY_PASSPHRASE", "correct horse"));
    CallmeshClient client = mesh.client(admin);
    JsonObject out = (JsonObject) client.call("/dev1/fs/readFile", new JsonObject().put("path", "f.txt")).await();
    assertEquals("locked", out.getString("content"));
    // The hub made its own key on first start, in OpenSSH format.
    assertTrue(Files.readString(mesh.dir.resolve("hub_key")).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
  }

  @Test
  void aWrongOrMissingPassphraseStopsTheSpokeWithAClearMessage() throws Exception {
    Path key = mesh.key("locked", "correct horse");
    mesh.authorize("spoke=\"dev1\"", key);
    mesh.startHub(0);
    Mesh.CliResult none = spokeOnce(key, Map.of());
    assertEquals(1, none.exit());
    assertTrue(none.err().contains("CALLMESH_KEY_PASSPHRASE"), none.err());
  }

  @Test
  void aNewConnectionOfTheSameIdentityTakesOverAndTheOldSpokeStops() throws Exception {
    Path key = mesh.spokeKey("dev1");
    mesh.startHub(0);
    Path oldRoot = mesh.root("old");
    Path newRoot = mesh.root("new");
    Files.writeString(oldRoot.resolve("who.txt"), "old");
    Files.writeString(newRoot.resolve("who.txt"), "new");
    JavaProcess oldSpoke = mesh.startSpoke("dev1", key, oldRoot);
    mesh.startSpoke("dev1", key, newRoot);
    assertEquals(3, oldSpoke.awaitExit(java.time.Duration.ofSeconds(10)), oldSpoke.stderr());
    assertTrue(oldSpoke.stderr().contains("replaced"), oldSpoke.stderr());
    CallmeshClient client = mesh.client(admin);
    JsonObject out = (JsonObject) client.call("/dev1/fs/readFile", new JsonObject().put("path", "who.txt")).await();
    assertEquals("new", out.getString("content"));
    JsonArray spokes = ((JsonObject) client.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    assertEquals(1, spokes.size());
  }

  /** Runs a spoke that is expected to stop by itself, and returns how it ended. */
  private Mesh.CliResult spokeOnce(Path key, Map<String, String> env) throws Exception {
    JavaProcess p = JavaProcess.start("spoke-once", Tools.jar("callmesh.spoke.jar"), mesh.dir, env,
        java.util.List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--name", "dev1", "--key", key.toString(),
            "--root", mesh.root("once").toString()));
    try {
      return new Mesh.CliResult(p.awaitExit(Mesh.START), "", p.stderr());
    } finally {
      p.close();
    }
  }

}
