package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's limits and lifecycle (issue: reliability and security), against the real jars. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsIT {

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
    Files.writeString(root.resolve("a.txt"), "a");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private static Object stat(CallmeshClient c) {
    return c.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
  }

  @Test
  void twoHundredSilentConnectionsAreClosedAfterTheHandshakeTimeoutWhileAClientIsServed() throws Exception {
    mesh.startHub(0, "--handshake-timeout", "2s");
    mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    List<RawConn> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        RawConn c = new RawConn(mesh.port);
        WireAndAuthIT.challenge(c);
        silent.add(c);
      }
      long start = System.nanoTime();
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)) {
        stat(client); // served throughout
      }
      int closed = 0;
      for (RawConn c : silent) {
        JsonObject denied = c.recvWithin(5000);
        if (denied != null && "auth.denied".equals(denied.getString("type")) && c.closesWithin(2000)) {
          closed++;
        }
      }
      assertEquals(200, closed);
      stat(client);
    } finally {
      for (RawConn c : silent) {
        c.close();
      }
    }
  }

  @Test
  void removingAKeyClosesItsConnectionWithinFiveSecondsAndAddingItBackLetsItIn() throws Exception {
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    Path user = mesh.userKey("user", "/dev1/*");
    String withUser = Files.readString(mesh.keys);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    CallmeshClient c = null;
    while (c == null) {
      try {
        c = mesh.client(user);
      } catch (CallException e) {
        assertTrue(System.nanoTime() < deadline, "the added key was not let in");
        Thread.sleep(100);
      }
    }
    stat(c);
    Files.writeString(mesh.keys, withUser.lines().filter(l -> !l.contains("user@it")).reduce("", (a, b) -> a + b + "\n"));
    long removed = System.nanoTime();
    c.engine().closeFuture().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - removed < TimeUnit.SECONDS.toNanos(5));
    assertEquals("UNAUTHENTICATED", c.engine().peerBye().getString("code"));
    Files.writeString(mesh.keys, withUser);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    CallmeshClient back = null;
    while (back == null) {
      try {
        back = mesh.client(user);
      } catch (CallException e) {
        assertTrue(System.nanoTime() < deadline, "the key added back was not let in");
        Thread.sleep(100);
      }
    }
    stat(back);
  }

  @Test
  void connectionsPerSourceCallsPerSecondAndRequestIdsAreLimited() throws Exception {
    mesh.startHub(0, "--max-connections-per-source", "4", "--max-calls-per-second", "50");
    mesh.startSpoke("dev1", spokeKey, root); // one connection from 127.0.0.1
    CallmeshClient client = mesh.client(admin); // two
    // One at a time: the hub accepts on several event loops, so connections opened together are taken in
    // no fixed order, and any one of them may be the one over the limit.
    try (RawConn a = new RawConn(mesh.port)) {
      WireAndAuthIT.challenge(a);
      try (RawConn b = new RawConn(mesh.port)) {
        WireAndAuthIT.challenge(b);
        try (RawConn over = new RawConn(mesh.port)) {
          JsonObject refused = over.recv();
          assertEquals("auth.denied", refused.getString("type"), refused.encode());
          assertEquals("RESOURCE_EXHAUSTED", refused.getJsonObject("payload").getString("code"));
        }
      }
    }
    List<Future<Object>> burst = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      burst.add(client.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")));
    }
    Future.join(new ArrayList<>(burst)).toCompletionStage().toCompletableFuture().handle((x, e) -> null).get(20, TimeUnit.SECONDS);
    long limited = burst.stream().filter(f -> f.failed() && ((CallException) f.cause()).code().equals("RESOURCE_EXHAUSTED")).count();
    long ok = burst.stream().filter(Future::succeeded).count();
    assertTrue(ok >= 100 && limited >= 100 && ok + limited == 300, "ok " + ok + ", limited " + limited);
    Thread.sleep(1000);
    stat(client); // the bucket refills

    try (RawConn raw = WireAndAuthIT.connectTo(mesh, admin)) {
      raw.send("call.requested", "x".repeat(129), new JsonObject().put("operationId", "/dev1/fs/stat"));
      JsonObject bye = raw.recv();
      assertEquals("bye", bye.getString("type"));
      assertEquals("PROTOCOL", bye.getJsonObject("payload").getString("code"));
    }
    assertTrue(mesh.hub.stderr().contains("op=/dev1/fs/stat outcome=OK"), "an audit line per call");
    assertTrue(mesh.hub.stderr().contains("outcome=RESOURCE_EXHAUSTED"));
  }

  @Test
  void sigtermLetsTheCallInFlightFinishSaysByeAndExitsZero() throws Exception {
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    CallmeshClient client = mesh.client(admin);
    Future<Object> run = client.call("/dev1/bash/run", new JsonObject().put("command", "sleep 1; echo done"));
    Thread.sleep(300);
    mesh.hub.signal("TERM");
    JsonObject out;
    try {
      out = (JsonObject) run.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call in flight did not finish; hub log:\n" + mesh.hub.stderr(), e);
    }
    assertEquals(0, out.getInteger("exitCode"));
    assertEquals("done\n", out.getString("stdout"));
    client.engine().closeFuture().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    JsonObject bye = client.engine().peerBye();
    assertNotNull(bye, "the client got bye; hub log:\n" + mesh.hub.stderr());
    assertEquals(0, mesh.hub.awaitExit(Duration.ofSeconds(15)), mesh.hub.stderr());
  }
}
