package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's {@code parentRequestId} names a call on the caller's own connection: the hub passes it on
 * translated to the id that call has on the spoke's connection, or not at all, never as it came.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ParentAcrossConnectionsTest {

  static final OperationSpec PARENT = new OperationSpec("/gen/parent", "gen", OperationType.QUERY,
      "Answers the parentRequestId it received", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec ASK = new OperationSpec("/gen/ask", "gen", OperationType.QUERY,
      "Calls /dev1/gen/parent on behalf of this call and answers what it said", new JsonObject().put("type", "object"),
      null, null);

  TestHub mesh;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair userKey = SshKeyPair.generate();
  HubSession dev1;
  HubSession dev2;
  HubSession user;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir, TestHub.line("name=\"box\",spoke=\"dev*\",allow=\"/dev1/*,/dev2/*\"", spokeKey, "box"),
        TestHub.line("name=\"user\",allow=\"/dev1/*\"", userKey, "user"));
    dev1 = connect(spokeKey, "dev1", PARENT, call -> call.reply(new JsonObject()
        .put("parentRequestId", call.request().parentRequestId())));
    AtomicReference<HubSession> self = new AtomicReference<>();
    dev2 = connect(spokeKey, "dev2", ASK, call -> self.get().engine().call(new JsonObject()
            .put("operationId", "/dev1/gen/parent").put("input", new JsonObject()).put("parentRequestId", call.id()))
        .onComplete(ar -> call.reply(ar.succeeded() ? ar.result() : ar.cause().toString())));
    self.set(dev2);
    user = mesh.connect(userKey, null, null);
  }

  private HubSession connect(SshKeyPair key, String name, OperationSpec spec, CallHandler handler) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + mesh.hub.port()))
        .setCredentials(Credentials.key(key)).setSpokeName(name).setCallHandler(handler)
        .setOperations(new JsonArray().add(spec.toJson()));
    return new HubConnector(mesh.vertx, o).connect(o).await();
  }

  @AfterEach
  void stop() {
    assertEquals(0, mesh.hub.pendingCount());
    mesh.close();
  }

  @Test
  void aParentIdThatMeansNothingOnTheSpokesConnectionIsNotPassedOn() {
    // dev1 has a call of its own in flight under id "1" on its connection; the user's "1" is unrelated.
    dev1.engine().open(CallRequest.of(new JsonObject().put("operationId", "/hub/spokes/watch")), true,
        new dev.callmesh.protocol.call.CallObserver() {
          @Override public void onResponded(Object output) { }
          @Override public void onCompleted() { }
          @Override public void onError(dev.callmesh.protocol.CallException error) { }
        });
    JsonObject out = (JsonObject) user.engine().call(new JsonObject().put("operationId", "/dev1/gen/parent")
        .put("input", new JsonObject()).put("parentRequestId", "1")).await();
    assertFalse(out.containsKey("parentRequestId") && out.getValue("parentRequestId") != null,
        "the spoke was told of a parent it never made: " + out.encode());
  }

  @Test
  void aParentIdIsTranslatedToTheParentsIdOnTheSpokesConnection() {
    for (int i = 0; i < 3; i++) {  // so that dev1's ids and the hub's ids towards dev2 differ
      dev1.engine().call("/services/list", new JsonObject()).await();
    }
    var handle = new AtomicReference<dev.callmesh.protocol.call.OutboundCall>();
    io.vertx.core.Promise<Object> answer = io.vertx.core.Promise.promise();
    handle.set(dev1.engine().open(CallRequest.of(new JsonObject().put("operationId", "/dev2/gen/ask")
        .put("input", new JsonObject())), false, new dev.callmesh.protocol.call.CallObserver() {
          @Override public void onResponded(Object output) { answer.tryComplete(output); }
          @Override public void onCompleted() { }
          @Override public void onError(dev.callmesh.protocol.CallException error) { answer.tryFail(error); }
        }));
    JsonObject out = (JsonObject) answer.future().await();
    assertEquals(handle.get().id(), out.getString("parentRequestId"),
        "dev1 sees its own call to /dev2/gen/ask as the parent of the call dev2 made for it");
  }
}
