package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Labels a spoke claims or its key pins, and pools of spokes, through an in-process hub. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpokeLabelsAndPoolsTest {

  TestHub mesh;
  SshKeyPair ci = SshKeyPair.generate();
  SshKeyPair box = SshKeyPair.generate();
  SshKeyPair user = SshKeyPair.generate();
  HubSession caller;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir,
        TestHub.line("name=\"ci\",spoke=\"ci1,builders\",labels=\"role=ci,region=eu\"", ci, "ci"),
        TestHub.line("name=\"box\",spoke=\"dev*,builders\"", box, "box"),
        TestHub.line("name=\"user\",allow=\"/builders/*,/dev*,/hub/*\"", user, "user"));
    caller = mesh.connect(user, null, null);
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  private JsonObject spoke(String name) {
    JsonArray spokes = ((JsonObject) caller.engine().call(new JsonObject().put("operationId", "/hub/spokes/list")).await())
        .getJsonArray("spokes");
    return spokes.stream().map(JsonObject.class::cast).filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
  }

  @Test
  void claimedLabelsAreListedAndTheKeysPinnedLabelsWinForTheirKeys() {
    mesh.connect(ci, "ci1", null, o -> o.setLabels(Map.of("role", "web", "gpu", "yes")));
    mesh.connect(box, "dev1", null, o -> o.setLabels(Map.of("role", "web")));
    assertEquals(new JsonObject().put("gpu", "yes").put("region", "eu").put("role", "ci"), spoke("ci1").getJsonObject("labels"));
    assertEquals(new JsonObject().put("role", "web"), spoke("dev1").getJsonObject("labels"));
    assertNull(spoke("dev1").getString("pool"));
  }

  /** A spoke whose operation says who it is, and holds each call until released. */
  private final Map<String, List<Promise<Object>>> held = new HashMap<>();

  private HubSession member(SshKeyPair key, String name) {
    OperationRegistry who = OperationRegistry.create().register(HubRoutingTest.WHO, (ctx, in) -> {
      Promise<Object> p = Promise.promise();
      held.computeIfAbsent(name, n -> new ArrayList<>()).add(p);
      return p.future().map(v -> new JsonObject().put("spoke", name));
    });
    return mesh.connect(key, name, who, o -> o.setPool("builders"));
  }

  private int heldBy(String name) {
    return held.getOrDefault(name, List.of()).size();
  }

  @Test
  void aPoolCallGoesToTheMemberWithTheFewestCallsInFlight() throws Exception {
    member(ci, "ci1");
    member(box, "dev2");
    assertEquals("builders", spoke("dev2").getString("pool"));
    List<Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(caller.engine().call(new JsonObject().put("operationId", "/builders/echo/who")));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (heldBy("ci1") + heldBy("dev2") < i + 1 && System.nanoTime() < until) {
        Thread.sleep(5); // each call reaches its member before the next is sent
      }
    }
    assertEquals(3, heldBy("ci1"));
    assertEquals(3, heldBy("dev2"));
    held.values().forEach(l -> l.forEach(p -> p.tryComplete(null)));
    for (Future<Object> f : calls) {
      f.await();
    }
  }

  @Test
  void aKeyNotGrantedThePoolNameIsDeniedAndAPoolCannotTakeASpokesName() {
    mesh.connect(box, "dev1", null);
    CallException notGranted = assertThrows(CallException.class,
        () -> mesh.connect(ci, "ci1", null, o -> o.setPool("dev9")));
    assertEquals("FORBIDDEN", notGranted.code());
    assertTrue(notGranted.getMessage().contains("may not join pool 'dev9'"), notGranted.getMessage());
    CallException clash = assertThrows(CallException.class,
        () -> mesh.connect(box, "dev2", null, o -> o.setPool("dev1")));
    assertTrue(clash.getMessage().contains("'dev1' is the name of a connected spoke"), clash.getMessage());
  }
}
