package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spokes started with {@code --pool workers} serve {@code /workers/...}: balanced, and a lost member loses no call silently. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoolIT {

  Mesh mesh;
  CallmeshClient admin;
  final Map<String, Path> keys = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    Path adminKey = mesh.userKey("admin", "/workers/*,/hub/*");
    for (String name : List.of("w1", "w2", "w3")) {
      keys.put(name, mesh.key(name));
      mesh.authorize("name=\"" + name + "\",spoke=\"" + name + ",workers\"", keys.get(name));
    }
    keys.put("w9", mesh.spokeKey("w9")); // not granted the pool
    keys.put("w4", mesh.key("w4"));
    mesh.authorize("name=\"w4\",spoke=\"w4,w1\"", keys.get("w4"));
    mesh.startHub(0);
    admin = mesh.client(adminKey);
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  /** Starts spoke NAME in pool workers; its root holds who.txt with its name. */
  private JavaProcess member(String name) throws Exception {
    Path root = mesh.root(name);
    Files.writeString(root.resolve("who.txt"), name);
    return mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, name, keys.get(name), root, true, "--pool", "workers");
  }

  private Future<Object> slowWho(long sleepMs) {
    return admin.call("/workers/bash/run", new JsonObject().put("command", "sleep " + sleepMs / 1000.0 + "; cat who.txt"));
  }

  private static Object await(Future<Object> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().handle((ok, e) -> e != null ? e : ok).get(60, TimeUnit.SECONDS);
  }

  @Test
  void callsToThePoolGoToTheMemberWithTheFewestInFlightAndThePoolIsListed() throws Exception {
    member("w1");
    member("w2");
    member("w3");
    // THREE slow calls at once land on three different members
    List<Future<Object>> calls = List.of(slowWho(1500), slowWho(1500), slowWho(1500));
    Set<String> who = new HashSet<>();
    for (Future<Object> f : calls) {
      Object out = await(f);
      assertTrue(out instanceof JsonObject, "expected an output, got " + out);
      who.add(((JsonObject) out).getString("stdout"));
    }
    assertEquals(Set.of("w1", "w2", "w3"), who);

    // the spokes list says which pool each member serves; /services/list shows the pool's operations
    JsonArray spokes = ((JsonObject) admin.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    for (Object o : spokes) {
      assertEquals("workers", ((JsonObject) o).getString("pool"), o.toString());
    }
    JsonArray ops = ((JsonObject) admin.call("/services/list", new JsonObject().put("spoke", "workers")).await())
        .getJsonArray("operations");
    assertTrue(ops.stream().anyMatch(o -> ((JsonObject) o).getString("name").equals("/workers/bash/run")), ops.encode());
    JsonObject schema = (JsonObject) admin.call("/services/schema", new JsonObject().put("name", "/workers/fs/stat")).await();
    assertEquals("/workers/fs/stat", schema.getString("name"));
  }

  @Test
  void aMemberKilledMidLoadFailsOnlyItsOwnCallsUnavailableAndNewCallsGoToTheOthers() throws Exception {
    member("w1");
    JavaProcess w2 = member("w2");
    member("w3");
    // GIVEN 30 slow calls in flight over the pool, some of them on w2
    List<Future<Object>> before = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      before.add(slowWho(2000));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Mesh.inFlight(admin).getOrDefault("w2", 0) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Mesh.inFlight(admin).get("w2") > 0, "w2 got none of the calls: " + Mesh.inFlight(admin));
    // WHEN w2 dies
    w2.kill();
    // THEN every call ends: an output from a member, or UNAVAILABLE (retryable) for those w2 held
    Map<String, Integer> outcomes = new HashMap<>();
    for (Future<Object> f : before) {
      Object out = await(f);
      String key;
      if (out instanceof JsonObject json) {
        key = json.getString("stdout");
      } else {
        assertTrue(out instanceof CallException, "expected an output or a CallException, got " + out);
        CallException e = (CallException) out;
        assertEquals("UNAVAILABLE", e.code(), e.getMessage());
        assertTrue(e.retryable());
        key = "UNAVAILABLE";
      }
      outcomes.merge(key, 1, Integer::sum);
    }
    assertEquals(30, outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes.toString());
    assertTrue(outcomes.getOrDefault("UNAVAILABLE", 0) > 0, "w2's calls should have failed: " + outcomes);
    assertFalse(outcomes.containsKey("w2"), "w2 was killed before any of its calls could end: " + outcomes);
    assertTrue(outcomes.containsKey("w1") && outcomes.containsKey("w3"), outcomes.toString());

    // AND once the hub has seen w2 go, new calls all succeed on the others
    while (Mesh.inFlight(admin).containsKey("w2")) {
      Thread.sleep(20);
    }
    List<Future<Object>> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      after.add(slowWho(0));
    }
    for (Future<Object> f : after) {
      Object out = await(f);
      assertTrue(out instanceof JsonObject, "a call after w2 left failed: " + out);
      assertNotEquals("w2", ((JsonObject) out).getString("stdout"));
    }
  }

  @Test
  void thePoolIsCallableWhileItHasAMemberAndTheNamespaceIsShared() throws Exception {
    JavaProcess w1 = member("w1");
    // a spoke whose key is not granted the pool name is denied
    JavaProcess denied = mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, "w9", keys.get("w9"), mesh.root("w9"), false,
        "--pool", "workers");
    denied.awaitErrLine(l -> l.contains("may not join pool 'workers'"), Duration.ofSeconds(30));
    // a pool may not take the name of a connected spoke
    JavaProcess clashing = mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, "w4", keys.get("w4"), mesh.root("w4"), false,
        "--pool", "w1");
    clashing.awaitErrLine(l -> l.contains("'w1' is the name of a connected spoke"), Duration.ofSeconds(30));

    assertEquals("w1", ((JsonObject) await(slowWho(0))).getString("stdout"));
    // WHEN the last member leaves, the pool is gone
    w1.kill();
    while (Mesh.inFlight(admin).containsKey("w1")) {
      Thread.sleep(20);
    }
    Object gone = await(slowWho(0));
    assertTrue(gone instanceof CallException, "expected a failure, got " + gone);
    assertEquals("UNAVAILABLE", ((CallException) gone).code());
    assertTrue(((CallException) gone).getMessage().contains("no spoke or pool named 'workers'"),
        ((CallException) gone).getMessage());
  }
}
