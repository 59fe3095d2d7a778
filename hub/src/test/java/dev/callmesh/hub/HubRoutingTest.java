package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Routing through an in-process hub, to a spoke whose operation echoes what it was sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HubRoutingTest {

  static final OperationSpec WHO = new OperationSpec("/echo/who", "echo", OperationType.QUERY,
      "Echoes the operation path and caller it received", new JsonObject().put("type", "object"), null, null);

  TestHub mesh;
  Hub hub;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair userKey = SshKeyPair.generate();
  HubSession spoke;
  HubSession user;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir, TestHub.line("name=\"box\",spoke=\"dev*\",allow=\"/services/*\"", spokeKey, "box"),
        TestHub.line("name=\"user\",allow=\"/dev1/*,/hub/*\"", userKey, "user"));
    hub = mesh.hub;
    OperationRegistry echo = OperationRegistry.create().register(WHO, (ctx, in) -> Future.succeededFuture(
        new JsonObject().put("operation", ctx.operation()).put("caller", ctx.caller()).put("metadata", ctx.metadata())));
    spoke = mesh.connect(spokeKey, "dev1", echo);
    user = mesh.connect(userKey, null, null);
  }

  @AfterEach
  void stop() {
    assertEquals(0, user.engine().pendingCount());
    assertEquals(0, hub.pendingCount());
    mesh.close();
  }

  @Test
  void theSpokeSeesTheStrippedPathAndTheCallerTheHubSetNotTheOneSent() {
    JsonObject out = (JsonObject) user.engine().call(new JsonObject().put("operationId", "/dev1/echo/who")
        .put("input", new JsonObject())
        .put("caller", new JsonObject().put("id", "root").put("spoke", "hub"))).await();
    assertEquals("/echo/who", out.getString("operation"));
    assertEquals(new JsonObject().put("id", "user").put("spoke", null), out.getJsonObject("caller"));
  }

  @Test
  void theSpokeGetsAChildOfTheCallersTraceparentAndTheRestOfItsMetadata() {
    String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    JsonObject out = (JsonObject) user.engine().call(new JsonObject().put("operationId", "/dev1/echo/who")
        .put("metadata", new JsonObject().put("traceparent", given).put("tenant", "t1"))).await();
    JsonObject metadata = out.getJsonObject("metadata");
    assertEquals("t1", metadata.getString("tenant"));
    TraceParent seen = TraceParent.parse(metadata.getString("traceparent"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", seen.traceId(), metadata.encode());
    assertNotEquals("00f067aa0ba902b7", seen.parentId(), "the hub's hop has a span id of its own");
  }

  @Test
  void theHubsJavaApiCallsASpokeDirectly() {
    JsonObject out = (JsonObject) hub.call("/dev1/echo/who", new JsonObject()).await();
    assertEquals("hub", out.getJsonObject("caller").getString("id"));
    CallException gone = assertFails(hub.call("/dev9/echo/who", new JsonObject()));
    assertEquals("UNAVAILABLE", gone.code());
  }

  @Test
  void aRouteOpensCallsAndReportsThatItIsGone() {
    RoutingTable.Route route = hub.routes().get("dev1");
    io.vertx.core.Promise<Object> out = io.vertx.core.Promise.promise();
    route.open(dev.callmesh.protocol.call.CallRequest.of(new JsonObject().put("operationId", "/echo/who")
        .put("input", new JsonObject())), false, dev.callmesh.protocol.call.CallObserver.completing(out));
    assertEquals("/echo/who", ((JsonObject) out.future().await()).getString("operation"));
    assertFalse(route.isGone());
    spoke.close().await();
    route.gone().await();
    assertTrue(route.isGone());
    assertEquals(null, hub.routes().get("dev1"), "a route that has gone leaves the table");
  }

  @Test
  void aSpokeReplacesItsOperationSetWhileConnected() {
    OperationSpec other = new OperationSpec("/echo/other", "echo", OperationType.QUERY, "another", null, null, null);
    JsonObject r = (JsonObject) spoke.engine().call("/hub/services/register",
        new JsonObject().put("operations", new JsonArray().add(other.toJson()))).await();
    assertEquals(1, r.getInteger("registered"));
    List<String> names = names(user);
    assertTrue(names.contains("/dev1/echo/other") && !names.contains("/dev1/echo/who"), names.toString());
    assertEquals("NOT_FOUND", assertFails(user.engine().call("/dev1/echo/who", new JsonObject())).code());
    JsonObject schema = (JsonObject) user.engine().call("/services/schema", new JsonObject().put("name", "/dev1/echo/other")).await();
    assertEquals("/dev1/echo/other", schema.getString("name"));
    assertEquals("query", schema.getString("opType"));
  }

  @Test
  void onlySpokesMayRegisterAndOnlyGrantedPathsPass() {
    assertEquals("FORBIDDEN", assertFails(user.engine().call("/hub/services/register",
        new JsonObject().put("operations", new JsonArray()))).code());
    assertEquals("FORBIDDEN", assertFails(spoke.engine().call("/dev1/echo/who", new JsonObject())).code());
    assertEquals("NOT_FOUND", assertFails(user.engine().call("/dev1/../dev2/echo/who", new JsonObject())).code());
    assertEquals("NOT_FOUND", assertFails(user.engine().call("/services/nope", new JsonObject())).code());
  }

  @Test
  void spokesListAndServicesListFilters() {
    JsonObject spokes = (JsonObject) user.engine().call("/hub/spokes/list", new JsonObject()).await();
    JsonObject dev1 = spokes.getJsonArray("spokes").getJsonObject(0);
    assertEquals("dev1", dev1.getString("name"));
    assertEquals("box", dev1.getString("identity"));
    assertEquals(1, dev1.getInteger("operations"));
    JsonObject filtered = (JsonObject) user.engine().call("/services/list", new JsonObject().put("spoke", "dev1")).await();
    assertEquals(1, filtered.getJsonArray("operations").size());
    JsonObject prefixed = (JsonObject) user.engine().call("/services/list", new JsonObject().put("prefix", "/hub/")).await();
    assertTrue(prefixed.getJsonArray("operations").stream()
        .allMatch(o -> ((JsonObject) o).getString("name").startsWith("/hub/")));
  }

  private static List<String> names(HubSession s) {
    JsonObject list = (JsonObject) s.engine().call("/services/list", new JsonObject()).await();
    return list.getJsonArray("operations").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static CallException assertFails(Future<Object> f) {
    try {
      f.await();
    } catch (CallException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail");
  }
}
