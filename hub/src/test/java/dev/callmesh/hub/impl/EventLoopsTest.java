package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void connectionsSpreadOverTheLoopsAndCallsCrossThem(@TempDir Path dir) throws Exception {
    SshKeyPair spokeKey = SshKeyPair.generate();
    SshKeyPair userKey = SshKeyPair.generate();
    Path keys = dir.resolve("authorized_keys");
    Files.writeString(keys, "name=\"s1\",spoke=\"s1\" " + spokeKey.publicKey().toOpenSsh("s1") + "\n"
        + "name=\"u\",allow=\"/s1/*\" " + userKey.publicKey().toOpenSsh("u") + "\n");
    Vertx vertx = Vertx.vertx();
    HubImpl hub = new HubImpl(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("loops").setEventLoops(3)
        .setListen(new HostPort("127.0.0.1", 0)).setHttp(null));
    try {
      hub.start().await();
      OperationRegistry echo = OperationRegistry.create().register(WHO,
          (ctx, in) -> Future.succeededFuture(new JsonObject().put("caller", ctx.caller().getString("id"))));
      connect(vertx, hub.port(), spokeKey, "s1", echo);
      List<HubSession> users = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        users.add(connect(vertx, hub.port(), userKey, null, null));
      }
      assertEquals(3, threadsOf(hub.connectionContexts()).size(), "six connections over three loops use all three");

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
      assertEquals(0, hub.pendingCount());
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
