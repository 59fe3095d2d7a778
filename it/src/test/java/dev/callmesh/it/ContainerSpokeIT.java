package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The spoke image of {@code deploy/spoke.Dockerfile} in a real container engine, against a hub started
 * on the host from the built jar: what a dev container running the spoke does.
 *
 * <p>The container shares the host's network namespace, so the hub stays on 127.0.0.1 and the spoke
 * dials {@code tcp://127.0.0.1:PORT} as it would beside a local hub. Without a Docker API (no
 * DOCKER_HOST, no /var/run/docker.sock) the test is skipped; {@code .ci/podman-setup.sh} makes one.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ContainerSpokeIT {

  Mesh mesh;
  CallmeshClient alice;
  GenericContainer<?> spoke;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path aliceKey = mesh.userKey("alice", "/dev1/*,/hub/*");
    mesh.startHub(0);

    // The key goes where the image expects it (CALLMESH_KEY=/run/secrets/callmesh_key), readable by the
    // image's unprivileged user as a mounted secret would be.
    spoke = new GenericContainer<>(ContainerImages.spoke())
        .withNetworkMode("host")
        .withEnv("CALLMESH_HUB", "tcp://127.0.0.1:" + mesh.port)
        .withEnv("CALLMESH_NAME", "dev1")
        .withCopyToContainer(Transferable.of(Files.readAllBytes(spokeKey), 0444), "/run/secrets/callmesh_key")
        .withLogConsumer(frame -> {
          String line = frame.getUtf8StringWithoutLineEnding();
          if (!line.isBlank()) {
            System.out.println("[spoke container] " + line);
          }
        })
        .waitingFor(ContainerImages.healthCheckPasses("connected", Duration.ofSeconds(90)));
    spoke.start();
    alice = mesh.client(aliceKey);
    awaitSpoke("dev1", Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (spoke != null) {
        spoke.stop();
      }
    } finally {
      mesh.close();
    }
  }

  @Test
  void theContainerizedSpokeServesFsAndBashOnItsWorkspaceThroughTheHub() throws Exception {
    // GIVEN a file written into the container's /workspace volume through the hub
    JsonObject written = (JsonObject) alice.call("/dev1/fs/writeFile", new JsonObject()
        .put("path", "notes/hello.txt").put("content", "hello from the container\n").put("createDirs", true))
        .await(30, TimeUnit.SECONDS);
    assertEquals(25, written.getLong("size"));

    // WHEN it is read back with fs/readFile
    JsonObject read = (JsonObject) alice.call("/dev1/fs/readFile", new JsonObject().put("path", "notes/hello.txt"))
        .await(30, TimeUnit.SECONDS);

    // THEN the content is what was written
    assertEquals("hello from the container\n", read.getString("content"));

    // AND bash/exec runs in /workspace as the image's unprivileged user, without the spoke's CALLMESH_*
    // variables, and sees the same file
    List<JsonObject> events = exec("id -un; pwd; cat notes/hello.txt; echo \"key=${CALLMESH_KEY:-unset}\"");
    StringBuilder stdout = new StringBuilder();
    events.stream().filter(e -> "stdout".equals(e.getString("stream"))).forEach(e -> stdout.append(e.getString("data")));
    assertEquals("callmesh\n/workspace\nhello from the container\nkey=unset\n", stdout.toString(), events.toString());
    assertEquals(0, events.get(events.size() - 1).getInteger("exitCode"), events.toString());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(alice));
  }

  @Test
  void theWorkspaceIsTheRootAndTheHealthCheckSeesTheHubConnection() throws Exception {
    // Paths outside /workspace are refused inside the container too
    Exception e = assertThrows(Exception.class, () -> alice.call("/dev1/fs/readFile",
        new JsonObject().put("path", "../etc/passwd")).await(30, TimeUnit.SECONDS));
    assertTrue(e.toString().contains("FORBIDDEN"), e.toString());

    // The image's HEALTHCHECK command reports the spoke healthy while it holds its hub session
    ExecResult health = spoke.execInContainer("/usr/local/bin/callmesh-healthcheck", "connected");
    assertEquals(0, health.getExitCode(), health.getStdout() + health.getStderr());

    // The hub lists the spoke as connected from loopback (host networking), and nothing is left pending
    JsonObject listed = ((JsonObject) alice.call("/hub/spokes/list", new JsonObject()).await(30, TimeUnit.SECONDS))
        .getJsonArray("spokes").getJsonObject(0);
    assertEquals("dev1", listed.getString("name"));
    assertTrue(listed.getString("remoteAddress").startsWith("127.0.0.1:"), listed.encode());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(alice));
  }

  /** Waits until the hub lists the spoke: its session is welcomed, not only its TCP connection up. */
  private void awaitSpoke(String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Mesh.inFlight(alice).containsKey(name)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the hub does not list spoke " + name + " after " + timeout
            + "\ncontainer logs: " + spoke.getLogs() + "\nhub stderr: " + mesh.hub.stderr());
      }
      Thread.sleep(100);
    }
  }

  private List<JsonObject> exec(String command) throws Exception {
    List<JsonObject> out = new CopyOnWriteArrayList<>();
    Promise<Void> done = Promise.promise();
    CallStream s = alice.subscribe("/dev1/bash/exec", new JsonObject().put("command", command));
    s.handler(o -> out.add((JsonObject) o)).endHandler(done::complete).exceptionHandler(done::fail);
    done.future().await(60, TimeUnit.SECONDS);
    return out;
  }
}
