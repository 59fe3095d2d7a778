package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A spoke that dies mid-call, and a hub that restarts under its spokes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpokeLossIT {

  Mesh mesh;
  Path spokeKey;
  Path admin;
  Path root;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "hello\n");
    mesh.startHub(0);
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  @Test
  void killingTheSpokeMidCallFailsThePendingCallUnavailableWithinOneSecond() throws Exception {
    JavaProcess spoke = mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    // GIVEN a call in flight: the spoke is frozen, so the hub has forwarded it and waits
    spoke.signal("STOP");
    Future<Object> call = client.call("/dev1/fs/readFile", new JsonObject().put("path", "README.md"));
    Thread.sleep(300);
    assertEquals(1, client.engine().pendingCount());
    // WHEN the spoke process is killed
    long killed = System.nanoTime();
    spoke.kill();
    // THEN the call fails UNAVAILABLE within a second, and nothing stays pending
    Throwable err = call.toCompletionStage().toCompletableFuture()
        .handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    assertTrue(err instanceof CallException, "expected a failure, got " + err);
    assertEquals("UNAVAILABLE", ((CallException) err).code(), err.toString());
    assertTrue(((CallException) err).retryable());
    assertTrue(tookMs < 1000, "took " + tookMs + " ms");
    assertEquals(0, client.engine().pendingCount());
    CallException gone = assertFails(client.call("/dev1/fs/stat", new JsonObject().put("path", "README.md")));
    assertEquals("UNAVAILABLE", gone.code());
    assertTrue(Mesh.inFlight(client).isEmpty());
  }

  @Test
  void afterTheHubRestartsTheSpokeIsCallableAgainWithinThreeSeconds() throws Exception {
    mesh.startSpoke("dev1", spokeKey, root);
    int port = mesh.port;
    mesh.hub.kill();
    Thread.sleep(1500); // the spoke backs off while the hub is gone
    long restarted = System.nanoTime();
    mesh.startHub(port);
    long listening = System.nanoTime();
    CallmeshClient client = mesh.client(admin);
    Object out = null;
    while (out == null && System.nanoTime() - listening < TimeUnit.SECONDS.toNanos(10)) {
      try {
        out = client.call("/dev1/fs/readFile", new JsonObject().put("path", "README.md")).await();
      } catch (CallException e) {
        assertEquals("UNAVAILABLE", e.code(), e.toString());
        Thread.sleep(50);
      }
    }
    long sinceListening = (System.nanoTime() - listening) / 1_000_000;
    assertEquals("hello\n", ((JsonObject) out).getString("content"));
    assertTrue(sinceListening < 3000, "callable " + sinceListening + " ms after the hub listened again (start took "
        + (listening - restarted) / 1_000_000 + " ms)");
    assertEquals(0, client.engine().pendingCount());
  }

  private static CallException assertFails(Future<Object> f) throws Exception {
    Throwable t = f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
    assertTrue(t instanceof CallException, "expected a CallException, got " + t);
    return (CallException) t;
  }
}
