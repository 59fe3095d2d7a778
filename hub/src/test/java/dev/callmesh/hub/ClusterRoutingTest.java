package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two clustered hubs in one JVM: a call, a stream with credit and an abort cross from one to the other. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterRoutingTest {

  static final OperationSpec ECHO = new OperationSpec("/gen/echo", "gen", OperationType.QUERY,
      "Echoes the caller it received", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec COUNT = new OperationSpec("/gen/count", "gen", OperationType.SUBSCRIPTION,
      "Counts to 100, waiting for credit", new JsonObject().put("type", "object"), null, null);

  final SshKeyPair spokeKey = SshKeyPair.generate();
  final SshKeyPair otherKey = SshKeyPair.generate();
  final SshKeyPair userKey = SshKeyPair.generate();
  final List<Vertx> vertxes = new ArrayList<>();
  final List<Hub> hubs = new ArrayList<>();
  final List<String> aborts = new CopyOnWriteArrayList<>();
  Path keys;

  @BeforeEach
  void keys(@TempDir Path dir) throws Exception {
    keys = dir.resolve("authorized_keys");
    Files.writeString(keys, String.join("\n",
        TestHub.line("name=\"box\",spoke=\"dev*\"", spokeKey, "box"),
        TestHub.line("name=\"other\",spoke=\"dev*\"", otherKey, "other"),
        TestHub.line("name=\"user\",allow=\"/dev1/*,/hub/*\"", userKey, "user")) + "\n");
  }

  @AfterEach
  void stop() {
    for (int i = hubs.size() - 1; i >= 0; i--) {
      hubs.get(i).close().await();
      vertxes.get(i).close().await();
    }
  }

  private Hub hub(String id, String... peers) throws Exception {
    ClusterOptions cluster = new ClusterOptions().setMember(new HostPort("127.0.0.1", 0)).setName("test-" + keys.hashCode())
        .setPeers(java.util.Arrays.stream(peers).map(HostPort::parse).toList());
    HubOptions options = new HubOptions().setAuthorizedKeys(keys).setHubId(id).setListen(new HostPort("127.0.0.1", 0))
        .setHubKey(keys.resolveSibling("hub_key"))
        .setHttp(null).setMetrics(false).setCluster(cluster);
    Vertx vertx = HubVertx.create(options).await(60, TimeUnit.SECONDS);
    vertxes.add(vertx);
    Hub hub = Hub.create(vertx, options).start().await();
    hubs.add(hub);
    return hub;
  }

  private HubSession connect(Hub hub, SshKeyPair key, String spoke, OperationRegistry registry) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + hub.port()))
        .setCredentials(Credentials.key(key)).setSpokeName(spoke);
    if (registry != null) {
      o.setCallHandler(registry).setOperations(new JsonArray(registry.specs().stream().map(OperationSpec::toJson).toList()));
    }
    return new HubConnector(vertxes.get(0), o).connect(o).await();
  }

  private OperationRegistry spoke(String tag) {
    return OperationRegistry.create()
        .register(ECHO, (ctx, in) -> Future.succeededFuture(new JsonObject().put("caller", ctx.caller()).put("tag", tag)))
        .registerSubscription(COUNT, (ctx, in, sink) -> new Object() {
          int next = 1;

          void pump() {
            while (next <= 100 && !sink.isEnded() && !sink.writeQueueFull()) {
              sink.emit(next++);
            }
            if (next > 100) {
              sink.complete();
            }
          }

          {
            sink.drainHandler(v -> pump());
            ctx.onAbort(aborts::add);
            pump();
          }
        });
  }

  private static void waitUntil(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aCallAStreamAndAnAbortCrossFromOneHubToTheOther() throws Exception {
    Hub one = hub("hub1");
    Hub two = hub("hub2", one.clusterAddress());
    assertNotNull(one.clusterAddress());
    connect(one, spokeKey, "dev1", spoke("on hub1"));
    waitUntil(() -> two.routes().get("dev1") != null, "hub2 learned of dev1");
    HubSession user = connect(two, userKey, null, null);

    JsonObject out = (JsonObject) user.engine().call("/dev1/gen/echo", new JsonObject()).await();
    assertEquals("on hub1", out.getString("tag"));
    assertEquals(new JsonObject().put("id", "user").put("spoke", null), out.getJsonObject("caller"));

    JsonObject spokes = (JsonObject) user.engine().call("/hub/spokes/list", new JsonObject()).await();
    assertEquals("hub1", spokes.getJsonArray("spokes").getJsonObject(0).getString("hub"), spokes.encode());
    JsonArray members = ((JsonObject) user.engine().call("/hub/cluster/members", new JsonObject()).await())
        .getJsonArray("members");
    assertEquals(2, members.size(), members.encode());

    List<Object> seen = new CopyOnWriteArrayList<>();
    CallStream stream = CallStream.open(user.engine(), new JsonObject().put("operationId", "/dev1/gen/count"), 8);
    stream.pause();
    stream.handler(seen::add);
    Thread.sleep(300);
    assertEquals(List.of(), seen, "paused");
    stream.fetch(5);
    waitUntil(() -> seen.size() == 5, "5 outputs crossed");
    stream.abort("enough");
    waitUntil(() -> aborts.contains("enough"), "the abort reached the spoke on hub1");
    waitUntil(() -> one.pendingCount() == 0 && two.pendingCount() == 0, "nothing pending on either hub");
  }

  @Test
  void aNameIsTakenOverAcrossHubsByTheSameIdentityOnly() throws Exception {
    Hub one = hub("hub1");
    Hub two = hub("hub2", one.clusterAddress());
    HubSession first = connect(one, spokeKey, "dev1", spoke("first"));
    waitUntil(() -> two.routes().get("dev1") != null, "hub2 learned of dev1");
    CallException denied = assertThrows(CallException.class, () -> connect(two, otherKey, "dev1", spoke("thief")));
    assertEquals("FORBIDDEN", denied.code(), denied.getMessage());

    connect(two, spokeKey, "dev1", spoke("second"));
    Promise<Void> closed = Promise.promise();
    first.closeFuture().onComplete(closed);
    closed.future().await(10, TimeUnit.SECONDS);
    assertTrue(first.engine().peerBye() != null, "the older connection was told why");
    HubSession user = connect(one, userKey, null, null);
    waitUntil(() -> "hub2".equals(one.routes().get("dev1") == null ? null : one.routes().get("dev1").info().hub()),
        "hub1 routes dev1 to hub2");
    assertEquals("second", ((JsonObject) user.engine().call("/dev1/gen/echo", new JsonObject()).await()).getString("tag"));
  }

  @Test
  void whenTheSameSpokeRegistersOnTwoHubsAtOnceOneSurvivesAndEveryHubAgreesWhere() throws Exception {
    Hub one = hub("hub1");
    Hub two = hub("hub2", one.clusterAddress());
    Future<HubSession> a = connecting(one, spokeKey, "dev1", spoke("a"));
    Future<HubSession> b = connecting(two, spokeKey, "dev1", spoke("b"));
    HubSession onOne = a.await(20, TimeUnit.SECONDS);
    HubSession onTwo = b.await(20, TimeUnit.SECONDS);
    waitUntil(() -> onOne.closeFuture().isComplete() != onTwo.closeFuture().isComplete(), "exactly one was told to leave");
    String survivor = onOne.closeFuture().isComplete() ? "hub2" : "hub1";
    waitUntil(() -> one.routes().get("dev1") != null && two.routes().get("dev1") != null
        && survivor.equals(one.routes().get("dev1").info().hub())
        && survivor.equals(two.routes().get("dev1").info().hub()), "both hubs route dev1 to " + survivor);
    Thread.sleep(1000);
    assertTrue(onOne.closeFuture().isComplete() != onTwo.closeFuture().isComplete(), "it stays settled");
  }

  @Test
  void aJwtIssuedByOneHubIsHonouredByTheOthers() throws Exception {
    Hub one = hub("hub1");
    Hub two = hub("hub2", one.clusterAddress());
    HubSession user = connect(one, userKey, null, null);
    String jwt = ((JsonObject) user.engine().call("/hub/auth/token", new JsonObject()).await()).getString("token");
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + two.port()))
        .setCredentials(Credentials.token(jwt));
    HubSession onTwo = new HubConnector(vertxes.get(0), o).connect(o).await();
    assertEquals("user", onTwo.identity());
  }

  private Future<HubSession> connecting(Hub hub, SshKeyPair key, String spoke, OperationRegistry registry) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + hub.port()))
        .setCredentials(Credentials.key(key)).setSpokeName(spoke).setCallHandler(registry)
        .setOperations(new JsonArray(registry.specs().stream().map(OperationSpec::toJson).toList()));
    return new HubConnector(vertxes.get(0), o).connect(o);
  }
}
