package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --hub URL,URL...} (README, "Several hub URLs"): two standalone hubs serving the same authorized_keys;
 * the spoke dials the first at start and moves to the next when its hub dies; a spoke, the CLI and the Java
 * client whose first URL is dead use the second.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HubListIT {

  private static final JsonObject README = new JsonObject().put("path", "README.md");

  Mesh mesh;
  Path spokeKey;
  Path admin;
  Path root;
  Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "hello\n");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
    mesh.close();
  }

  private static String tcp(int port) {
    return "tcp://127.0.0.1:" + port;
  }

  /** @return a loopback port nothing listens on */
  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private CallmeshClient client(String hubs) throws Exception {
    return CallmeshClient.connect(vertx, new ConnectOptions().setHubUrls(HubUrl.parseList(hubs))
        .setCredentials(Credentials.key(SshKeyPair.load(admin, null)))).await();
  }

  /** Calls /dev1/fs/readFile until it answers (UNAVAILABLE or NOT_FOUND meanwhile); @return ms it took. */
  private static long callableWithin(CallmeshClient client, long maxMs) throws Exception {
    long t0 = System.nanoTime();
    while (true) {
      try {
        Object out = client.call("/dev1/fs/readFile", README).await();
        assertEquals("hello\n", ((JsonObject) out).getString("content"));
        return (System.nanoTime() - t0) / 1_000_000;
      } catch (CallException e) {
        assertTrue(e.code().equals("UNAVAILABLE") || e.code().equals("NOT_FOUND"), e.toString());
        if ((System.nanoTime() - t0) / 1_000_000 > maxMs) {
          throw new AssertionError("not callable within " + maxMs + " ms: " + e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void theSpokeRegistersOnTheFirstHubAndMovesToTheNextWhenItIsKilled() throws Exception {
    JavaProcess hubA = mesh.startHub(0);
    int portA = mesh.port;
    mesh.startHub(0);
    int portB = mesh.port;
    // GIVEN a spoke given both hubs, A first: it registers on A
    JavaProcess spoke = mesh.startSpoke(tcp(portA) + "," + tcp(portB), "dev1", spokeKey, root, true);
    assertTrue(spoke.stdoutLines().stream().anyMatch(l -> l.contains("connected to " + tcp(portA) + " ")),
        spoke.stdoutLines().toString());
    CallmeshClient onA = client(tcp(portA));
    assertEquals("hello\n", ((JsonObject) onA.call("/dev1/fs/readFile", README).await()).getString("content"));
    CallmeshClient onB = client(tcp(portB));
    CallException notOnB = assertFails(onB, "/dev1/fs/readFile");
    assertTrue(notOnB.code().equals("NOT_FOUND") || notOnB.code().equals("UNAVAILABLE"), notOnB.toString());
    // WHEN A is killed without warning (SIGKILL)
    hubA.kill();
    // THEN the spoke is callable through B within 10 s, and says it moved there
    long ms = callableWithin(onB, 10_000);
    assertTrue(ms < 10_000, "took " + ms + " ms");
    spoke.awaitErrLine(l -> l.contains("lost the hub; reconnecting to " + tcp(portB)), Mesh.START);
    spoke.awaitErrLine(l -> l.contains("connected to " + tcp(portB)), Mesh.START);
    assertEquals(0, onB.engine().pendingCount());
  }

  @Test
  void aDeadFirstUrlPassesTheTurnToTheSecondForTheSpokeTheCliAndTheJavaClient() throws Exception {
    mesh.startHub(0);
    int live = mesh.port;
    String dead = tcp(deadPort());
    // A spoke whose first hub is dead at start connects to the second
    JavaProcess spoke = mesh.startSpoke(dead + "," + tcp(live), "dev1", spokeKey, root, true);
    assertTrue(spoke.stdoutLines().stream().anyMatch(l -> l.contains("connected to " + tcp(live) + " ")),
        spoke.stdoutLines().toString());
    // The Java client connects to the first that answers
    CallmeshClient client = client(dead + "," + tcp(live));
    callableWithin(client, 10_000);
    assertEquals(0, client.engine().pendingCount());
    // So does the CLI, from the flag and from CALLMESH_HUB
    Mesh.CliResult r = mesh.cli("--hub", dead + "," + tcp(live), "--key", admin.toString(),
        "call", "/dev1/fs/readFile", README.encode());
    assertEquals(0, r.exit(), r.err());
    assertEquals("hello\n", r.json().getString("content"));
    Mesh.CliResult env = mesh.cli(java.util.Map.of("CALLMESH_HUB", dead + ", " + tcp(live)), "--key",
        admin.toString(), "call", "/dev1/fs/readFile", README.encode());
    assertEquals(0, env.exit(), env.err());
    // When no hub answers, every URL is named
    String dead2 = tcp(deadPort());
    Mesh.CliResult none = mesh.cli("--hub", dead + "," + dead2, "--key", admin.toString(),
        "call", "/dev1/fs/readFile", README.encode());
    assertEquals(1, none.exit(), none.out() + none.err());
    assertTrue(none.err().contains(dead) && none.err().contains(dead2) && none.err().contains("UNAVAILABLE"),
        none.err());
    // A bad entry is a usage error that names it
    Mesh.CliResult bad = mesh.cli("--hub", tcp(live) + ",ftp://x", "--key", admin.toString(),
        "call", "/dev1/fs/readFile", README.encode());
    assertEquals(2, bad.exit(), bad.out() + bad.err());
    assertTrue(bad.err().contains("hub URL 2 of 2") && bad.err().contains("ftp://x"), bad.err());
  }

  private static CallException assertFails(CallmeshClient c, String path) throws Exception {
    Throwable t = c.call(path, README).toCompletionStage().toCompletableFuture().handle((ok, e) -> e)
        .get(10, TimeUnit.SECONDS);
    assertTrue(t instanceof CallException, "expected a CallException, got " + t);
    return (CallException) t;
  }
}
