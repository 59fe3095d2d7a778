package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.HubVertx;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub spreads its TCP connections over its event loops, and calls between connections on different loops
 * are routed like any others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopsTest {

  static final OperationSpec WHO = new OperationSpec("/echo/who", "echo", OperationType.QUERY,
      "Echoes who called", new JsonObject().put("type", "object"), null, null);

  @Test
  void aLoopFillsBeforeTheNextOpensAndCallsCrossTheLoops(@TempDir Path dir) throws Exception {
    Path keys = keys(dir);
    Vertx vertx = Vertx.vertx();
    HubImpl hub = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("loops").setEventLoops(3)
        .setLoopFill(2).setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
    try {
      hub.start().await();
      assertEquals(1, hub.loopsServing(), "a hub without connections listens on one loop");
      connect(vertx, hub.port(), SPOKE, "s1", ECHO);
      List<HubSession> users = new ArrayList<>();
      users.add(connect(vertx, hub.port(), USER, null, null));
      assertEquals(1, threadsOf(hub.connectionContexts()).size(), "the first two connections share the first loop");
      awaitServing(hub, 2); // two connections: the second loop opens
      users.add(connect(vertx, hub.port(), USER, null, null));
      users.add(connect(vertx, hub.port(), USER, null, null));
      awaitServing(hub, 3); // four: the third
      for (int i = 0; i < 3; i++) { // the listening servers take new connections in turn
        users.add(connect(vertx, hub.port(), USER, null, null));
      }
      assertEquals(3, threadsOf(hub.connectionContexts()).size(), "seven connections over three loops use all three");
      callFromEach(users);
      assertEquals(0, hub.pendingCount());
    } finally {
      hub.close().await();
      vertx.close().await();
    }
  }

  @Test
  void aFillOfZeroSpreadsConnectionsFromTheFirst(@TempDir Path dir) throws Exception {
    Path keys = keys(dir);
    Vertx vertx = Vertx.vertx();
    HubImpl hub = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("loops").setEventLoops(3)
        .setLoopFill(0).setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
    try {
      hub.start().await();
      assertEquals(3, hub.loopsServing(), "every loop listens from the start");
      connect(vertx, hub.port(), SPOKE, "s1", ECHO);
      List<HubSession> users = List.of(connect(vertx, hub.port(), USER, null, null),
          connect(vertx, hub.port(), USER, null, null));
      assertEquals(3, threadsOf(hub.connectionContexts()).size(), "three connections over three loops use all three");
      callFromEach(users);
      hub.close().await();
      assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", hub.port()).close(),
          "a closed hub's servers on every loop stop listening");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void closedConnectionsDoNotCountAndTheDefaultFillIsSixteen(@TempDir Path dir) throws Exception {
    assertEquals(16, new HubOptions().getLoopFill());
    assertEquals(5, new HubOptions(new HubOptions().setLoopFill(5).toJson()).getLoopFill());
    Path keys = keys(dir);
    Vertx vertx = Vertx.vertx();
    HubImpl hub = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("loops").setEventLoops(2)
        .setLoopFill(3).setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
    try {
      hub.start().await();
      for (int i = 0; i < 6; i++) { // one at a time: never more than one open
        connect(vertx, hub.port(), USER, null, null).close().await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.tcpConnections() > 0) {
          assertTrue(System.nanoTime() < deadline, "the hub still counts a closed connection");
          Thread.sleep(2);
        }
      }
      connect(vertx, hub.port(), SPOKE, "s1", ECHO);
      HubSession user = connect(vertx, hub.port(), USER, null, null);
      Thread.sleep(100);
      assertEquals(1, hub.loopsServing(), "six connections, but never three at once: still one loop");
      assertEquals(1, threadsOf(hub.connectionContexts()).size());
      callFromEach(List.of(user));
    } finally {
      hub.close().await();
      vertx.close().await();
    }
  }

  @Test
  void twoHubsOnOneVertxAskingAnyPortGetPortsOfTheirOwn(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("authorized_keys");
    Files.writeString(keys, "");
    Vertx vertx = Vertx.vertx();
    try {
      HubImpl a = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("a").setEventLoops(2)
          .setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
      HubImpl b = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("b").setEventLoops(2)
          .setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
      a.start().await();
      b.start().await();
      assertTrue(a.port() > 0 && b.port() > 0 && a.port() != b.port(), a.port() + " " + b.port());
      a.close().await();
      b.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theHubsVertxHasExactlyItsLoops() throws Exception {
    Vertx vertx = Vertx.vertx(HubVertx.vertxOptions(new HubOptions().setEventLoops(3)));
    try {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          threads.add(Thread.currentThread().getName());
          return Future.succeededFuture();
        }
      }, new DeploymentOptions().setInstances(12)).await(); // each instance on the next loop
      assertEquals(3, threads.size(), "the hub's context and the event bus share the connections' loops: " + threads);
    } finally {
      vertx.close().await();
    }
  }

  private static final SshKeyPair SPOKE = SshKeyPair.generate();
  private static final SshKeyPair USER = SshKeyPair.generate();
  private static final OperationRegistry ECHO = OperationRegistry.create().register(WHO,
      (ctx, in) -> Future.succeededFuture(new JsonObject().put("caller", ctx.caller().getString("id"))));

  private static Path keys(Path dir) throws Exception {
    Path keys = dir.resolve("authorized_keys");
    Files.writeString(keys, "name=\"s1\",spoke=\"s1\" " + SPOKE.publicKey().toOpenSsh("s1") + "\n"
        + "name=\"u\",allow=\"/s1/*\" " + USER.publicKey().toOpenSsh("u") + "\n");
    return keys;
  }

  private static void awaitServing(HubImpl hub, int loops) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hub.loopsServing() < loops) {
      assertTrue(System.nanoTime() < deadline, "waited for " + loops + " loops to listen; " + hub.loopsServing() + " do");
      Thread.sleep(5);
    }
    assertEquals(loops, hub.loopsServing());
  }

  private static void callFromEach(List<HubSession> users) {
    List<Future<Object>> calls = new ArrayList<>();
    for (HubSession user : users) {
      for (int i = 0; i < 200; i++) {
        calls.add(user.engine().call("/s1/echo/who", new JsonObject()));
      }
    }
    Future.all(calls).await();
    for (Future<Object> call : calls) {
      assertEquals("u", ((JsonObject) call.result()).getString("caller"));
    }
  }

  private static HubSession connect(Vertx vertx, int port, SshKeyPair key, String spoke, OperationRegistry registry) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + port))
        .setCredentials(Credentials.key(key)).setSpokeName(spoke);
    if (registry != null) {
      o.setCallHandler(registry).setOperations(new JsonArray(registry.specs().stream().map(OperationSpec::toJson).toList()));
    }
    return new HubConnector(vertx, o).connect(o).await();
  }

  private static Set<String> threadsOf(Set<Context> contexts) {
    Set<String> names = new TreeSet<>();
    for (Context c : contexts) {
      Promise<String> name = Promise.promise();
      c.runOnContext(v -> name.complete(Thread.currentThread().getName()));
      names.add(name.future().await());
    }
    return names;
  }
}
