package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code callmesh --retries N} (env {@code CALLMESH_RETRIES}): with a dead first hub the command answers
 * through the second; a query to a spoke that is not there yet is tried again until the spoke has come
 * (while without retries it fails at once with {@code UNAVAILABLE}); a mutation is never tried again; a bad
 * count is a usage error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliRetriesIT {

  private static final String README = new JsonObject().put("path", "README.md").encode();

  Mesh mesh;
  Path admin;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    admin = mesh.userKey("admin", "/dev1/*,/dev2/*,/hub/*");
    mesh.startHub(0);
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private static String deadUrl() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "tcp://127.0.0.1:" + s.getLocalPort();
    }
  }

  private Path spokeRoot(String name) throws Exception {
    Path root = mesh.root(name);
    Files.writeString(root.resolve("README.md"), "hello from " + name + "\n");
    return root;
  }

  @Test
  void withADeadFirstHubAndRetriesTheCallAnswersThroughTheSecond() throws Exception {
    mesh.startSpoke("dev1", mesh.spokeKey("dev1"), spokeRoot("dev1"));
    String hubs = deadUrl() + ",tcp://127.0.0.1:" + mesh.port;
    Mesh.CliResult r = mesh.cli("--hub", hubs, "--key", admin.toString(), "--retries", "3",
        "call", "/dev1/fs/readFile", README);
    assertEquals(0, r.exit(), r.err());
    assertEquals("hello from dev1\n", r.json().getString("content"));
    Mesh.CliResult env = mesh.cli(Map.of("CALLMESH_HUB", hubs, "CALLMESH_RETRIES", "3"), "--key", admin.toString(),
        "call", "/dev1/fs/readFile", README);
    assertEquals(0, env.exit(), env.err());
  }

  @Test
  void retriesCarryAQueryOverASpokeThatIsNotThereYetAndNeverRepeatAMutation() throws Exception {
    String hub = "tcp://127.0.0.1:" + mesh.port;
    // Without retries, a call to a spoke that is not connected fails at once.
    long t0 = System.nanoTime();
    Mesh.CliResult once = mesh.cli("--hub", hub, "--key", admin.toString(), "call", "/dev2/fs/readFile", README);
    assertEquals(1, once.exit(), once.out() + once.err());
    assertEquals("UNAVAILABLE", new JsonObject(once.err().trim()).getJsonObject("error").getString("code"));
    System.out.printf("CliRetriesIT: without retries the call failed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    // A mutation is not tried again, whatever --retries says.
    Mesh.CliResult mutation = mesh.cli("--hub", hub, "--key", admin.toString(), "--retries", "5",
        "call", "/dev2/fs/writeFile", new JsonObject().put("path", "x.txt").put("content", "x").encode());
    assertEquals(1, mutation.exit(), mutation.out() + mutation.err());
    String message = new JsonObject(mutation.err().trim()).getJsonObject("error").getString("message");
    assertTrue(!message.contains("attempts"), "a mutation was tried again: " + message);

    // With retries, the same query waits for the spoke: it is started while the command tries.
    CompletableFuture<Mesh.CliResult> retried = CompletableFuture.supplyAsync(() -> {
      try {
        return mesh.cli("--hub", hub, "--key", admin.toString(), "--retries", "12",
            "call", "/dev2/fs/readFile", README);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(1_500);
    assertTrue(!retried.isDone(), "the command should still be trying: " + (retried.isDone() ? retried.get() : ""));
    long spokeStarted = System.nanoTime();
    mesh.startSpoke("dev2", mesh.spokeKey("dev2"), spokeRoot("dev2"));
    Mesh.CliResult r = retried.get(60, TimeUnit.SECONDS);
    System.out.printf("CliRetriesIT: the retried call answered %d ms after the spoke was started%n",
        (System.nanoTime() - spokeStarted) / 1_000_000);
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals("hello from dev2\n", r.json().getString("content"));
  }

  @Test
  void aBadRetryCountIsAUsageError() throws Exception {
    String hub = "tcp://127.0.0.1:" + mesh.port;
    for (String bad : new String[] {"-1", "101", "many"}) {
      Mesh.CliResult r = mesh.cli("--hub", hub, "--key", admin.toString(), "--retries", bad, "call", "/hub/spokes/list");
      assertEquals(2, r.exit(), bad + ": " + r.out() + r.err());
      assertTrue(r.err().contains("retries"), r.err());
    }
    Mesh.CliResult env = mesh.cli(Map.of("CALLMESH_RETRIES", "lots"), "--hub", hub, "--key", admin.toString(),
        "call", "/hub/spokes/list");
    assertEquals(2, env.exit(), env.out() + env.err());
    assertTrue(env.err().contains("CALLMESH_RETRIES"), env.err());
  }
}
