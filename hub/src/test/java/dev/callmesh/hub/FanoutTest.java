package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /hub/fanout} through an in-process hub to in-process spokes with labels. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanoutTest {

  static final OperationSpec WHO = new OperationSpec("/echo/who", "echo", OperationType.QUERY,
      "Echoes its spoke, the caller and the metadata it received", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec SLOW = new OperationSpec("/echo/slow", "echo", OperationType.QUERY,
      "Answers after 30 ms, counting the calls running at once", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec HANG = new OperationSpec("/echo/hang", "echo", OperationType.QUERY,
      "Never answers; records its abort", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec TICKS = new OperationSpec("/echo/ticks", "echo", OperationType.SUBSCRIPTION,
      "A subscription", new JsonObject().put("type", "object"), null, null);

  TestHub mesh;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair userKey = SshKeyPair.generate();
  SshKeyPair nobodyKey = SshKeyPair.generate();
  HubSession user;
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final List<String> aborted = new CopyOnWriteArrayList<>();
  final List<String> hung = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir, TestHub.line("name=\"box\",spoke=\"*\"", spokeKey, "box"),
        TestHub.line("name=\"user\",allow=\"/dev*,/ci-*,/hub/spokes/*\"", userKey, "user"),
        TestHub.line("name=\"nobody\"", nobodyKey, "nobody"));
    user = mesh.connect(userKey, null, null);
  }

  @AfterEach
  void stop() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (mesh.hub.pendingCount() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, mesh.hub.pendingCount(), "nothing left pending in the hub");
    assertEquals(0, user.engine().pendingCount());
    mesh.close();
  }

  private OperationRegistry serving(String name, OperationSpec... ops) {
    OperationRegistry r = OperationRegistry.create();
    for (OperationSpec op : ops) {
      if (op == WHO) {
        r.register(op, (ctx, in) -> Future.succeededFuture(new JsonObject().put("spoke", name)
            .put("caller", ctx.caller()).put("metadata", ctx.metadata())));
      } else if (op == SLOW) {
        r.register(op, (ctx, in) -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          Promise<Object> p = Promise.promise();
          ctx.vertx().setTimer(30, t -> {
            running.decrementAndGet();
            p.complete(new JsonObject().put("spoke", name));
          });
          return p.future();
        });
      } else if (op == HANG) {
        r.register(op, (ctx, in) -> {
          hung.add(name);
          ctx.onAbort(reason -> aborted.add(name));
          return Promise.promise().future();
        });
      } else {
        r.registerSubscription(op, (ctx, in, sink) -> sink.complete());
      }
    }
    return r;
  }

  /** Connects an in-process spoke that claims the labels and serves the operations. */
  private HubSession spoke(String name, Map<String, String> labels, OperationSpec... ops) {
    OperationRegistry registry = serving(name, ops);
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + mesh.hub.port()))
        .setCredentials(Credentials.key(spokeKey)).setSpokeName(name).setLabels(labels)
        .setCallHandler(registry).setOperations(new JsonArray(registry.specs().stream().map(OperationSpec::toJson).toList()));
    return new HubConnector(mesh.vertx, o).connect(o).await();
  }

  /** Runs a fan-out to its end. @return the entries by spoke */
  private static Map<String, JsonObject> fanout(HubSession who, JsonObject input) {
    return fanout(who, input, null);
  }

  private static Map<String, JsonObject> fanout(HubSession who, JsonObject input, String traceparent) {
    JsonObject request = new JsonObject().put("operationId", "/hub/fanout").put("input", input);
    if (traceparent != null) {
      TraceParent.putHeader(request, traceparent);
    }
    CallStream stream = CallStream.open(who.engine(), request, 16);
    Map<String, JsonObject> entries = new TreeMap<>();
    Promise<Void> end = Promise.promise();
    // the end first: a stream that has already ended ends when its handler is set
    stream.endHandler(end::tryComplete);
    stream.exceptionHandler(end::tryFail);
    stream.handler(out -> {
      JsonObject e = (JsonObject) out;
      assertEquals(null, entries.put(e.getString("spoke"), e), "one entry per spoke: " + e);
    });
    end.future().await();
    return entries;
  }

  private static CallException fails(HubSession who, JsonObject input) {
    try {
      fanout(who, input);
    } catch (CallException e) {
      return e;
    }
    throw new AssertionError("the fan-out should have failed");
  }

  @Test
  void callsEverySpokeWithAllTheLabelsThatTheCallerMayCallAsTheCaller() {
    spoke("dev1", Map.of("role", "ci", "region", "eu"), WHO);
    spoke("dev2", Map.of("role", "ci"), WHO);
    spoke("dev3", Map.of("role", "web"), WHO);
    spoke("ops1", Map.of("role", "ci"), WHO); // the user may not call /ops1/*: skipped without a word
    spoke("dev4", Map.of("role", "ci"), SLOW); // matches, but does not serve /echo/who
    String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Map<String, JsonObject> out = fanout(user, new JsonObject().put("target", new JsonObject()
        .put("labels", new JsonObject().put("role", "ci"))).put("operation", "/echo/who"), trace);
    assertEquals(List.of("dev1", "dev2", "dev4"), new ArrayList<>(out.keySet()));
    JsonObject dev1 = out.get("dev1").getJsonObject("output");
    assertEquals("dev1", dev1.getString("spoke"));
    assertEquals(new JsonObject().put("id", "user").put("spoke", null), dev1.getJsonObject("caller"));
    TraceParent seen = TraceParent.parse(dev1.getJsonObject("metadata").getString("traceparent"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", seen.traceId(), "the spoke's call is in the caller's trace");
    assertNotEquals("00f067aa0ba902b7", seen.parentId());
    JsonObject missing = out.get("dev4").getJsonObject("error");
    assertEquals("NOT_FOUND", missing.getString("code"), out.get("dev4").encode());
    assertTrue(missing.getString("message").contains("/echo/who"), missing.getString("message"));

    Map<String, JsonObject> both = fanout(user, new JsonObject().put("target", new JsonObject().put("spokes", "dev?")
        .put("labels", new JsonObject().put("role", "ci").put("region", "eu"))).put("operation", "/echo/who"));
    assertEquals(List.of("dev1"), new ArrayList<>(both.keySet()));
    assertTrue(fanout(user, new JsonObject().put("target", new JsonObject().put("spokes", "web*"))
        .put("operation", "/echo/who")).isEmpty(), "a fan-out matching nothing completes with no entries");
  }

  @Test
  void neverMoreThanConcurrencyCallsRunAtTheSpokesAtOnce() {
    for (int i = 0; i < 24; i++) {
      spoke(String.format("ci-%02d", i), Map.of(), SLOW);
    }
    Map<String, JsonObject> out = fanout(user, new JsonObject().put("target", new JsonObject().put("spokes", "ci-*"))
        .put("operation", "/echo/slow").put("concurrency", 3));
    assertEquals(24, out.size());
    out.values().forEach(e -> assertTrue(e.containsKey("output"), e.encode()));
    assertEquals(3, maxRunning.get(), "the most calls running at the spokes at once");
  }

  @Test
  void abortingTheFanoutAbortsItsOpenCallsAndStartsNoMore() throws Exception {
    for (int i = 0; i < 10; i++) {
      spoke("dev" + i, Map.of(), HANG);
    }
    CallStream stream = CallStream.open(user.engine(), new JsonObject().put("operationId", "/hub/fanout")
        .put("input", new JsonObject().put("operation", "/echo/hang").put("concurrency", 3)), 16);
    stream.handler(out -> { });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hung.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(3, hung.size(), "three calls reach their spokes");
    stream.abort("enough");
    while (aborted.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertEquals(3, hung.size(), "no call starts after the abort");
    assertEquals(hung.stream().sorted().toList(), aborted.stream().sorted().toList(), "each open call was aborted");
  }

  @Test
  void eachSpokesTimeoutGivesItsOwnErrorEntry() {
    spoke("dev1", Map.of(), HANG);
    spoke("dev2", Map.of(), WHO, HANG);
    Map<String, JsonObject> out = fanout(user, new JsonObject().put("operation", "/echo/hang").put("timeoutMs", 300));
    assertEquals(2, out.size());
    for (JsonObject e : out.values()) {
      assertEquals("TIMEOUT", e.getJsonObject("error").getString("code"), e.encode());
      assertTrue(e.getJsonObject("error").getBoolean("retryable"));
    }
  }

  @Test
  void aSubscriptionAndABadTargetAreInvalidInput() {
    spoke("dev1", Map.of(), WHO, TICKS);
    CallException sub = fails(user, new JsonObject().put("operation", "/echo/ticks"));
    assertEquals("INVALID_INPUT", sub.code());
    assertTrue(sub.getMessage().contains("subscription"), sub.getMessage());
    CallException glob = fails(user, new JsonObject().put("target", new JsonObject().put("spokes", "dev/*"))
        .put("operation", "/echo/who"));
    assertEquals("INVALID_INPUT", glob.code());
    assertTrue(glob.getMessage().contains("target.spokes"), glob.getMessage());
    CallException label = fails(user, new JsonObject().put("target", new JsonObject()
        .put("labels", new JsonObject().put("role", "c i"))).put("operation", "/echo/who"));
    assertTrue(label.getMessage().contains("label value 'c i'"), label.getMessage());
    CallException many = fails(user, new JsonObject().put("operation", "/echo/who").put("concurrency", 1000));
    assertEquals("INVALID_INPUT", many.code());
    assertTrue(many.getMessage().contains("/concurrency"), many.getMessage());
  }

  @Test
  void anIdentityWithNoRightsMayFanOutAndReachesNothing() {
    spoke("dev1", Map.of(), WHO);
    HubSession nobody = mesh.connect(nobodyKey, null, null);
    assertTrue(fanout(nobody, new JsonObject().put("operation", "/echo/who")).isEmpty());
    JsonArray ops = ((JsonObject) nobody.engine().call("/services/list", new JsonObject()).await()).getJsonArray("operations");
    assertTrue(ops.stream().anyMatch(o -> ((JsonObject) o).getString("name").equals("/hub/fanout")), ops.encode());
    assertEquals(1, fanout(user, new JsonObject().put("operation", "/echo/who")).size());
  }
}
