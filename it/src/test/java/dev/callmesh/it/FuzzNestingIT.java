package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A payload nested 100,000 levels deep, inside a call.requested that looks valid otherwise, must cost
 * the hub that one connection (bye PROTOCOL, or a plain close) and nothing else: no stack overflow,
 * no thread lost, and another client is served meanwhile.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuzzNestingIT {

  static final int LEVELS = 100_000;

  static Mesh mesh;
  static Path admin;
  static CallmeshClient other;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    other = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void theOtherClientIsServedAndNothingIsPending() throws Exception {
    assertTrue(mesh.hub.process().isAlive(), "the hub died: " + mesh.hub.stderr());
    JsonObject stat = (JsonObject) other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
    assertEquals(1, stat.getInteger("size"), stat.encode());
    assertEquals(0, other.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(other));
    assertTrue(mesh.hub.stderr().lines().noneMatch(l -> l.contains("StackOverflowError")), mesh.hub.stderr());
  }

  private static byte[] deepCall(boolean objects) {
    String deep = FuzzFrames.nesting(LEVELS, objects, true);
    String json = "{\"type\":\"call.requested\",\"id\":\"deep\",\"payload\":{\"operationId\":\"/dev1/fs/stat\","
        + "\"input\":{\"path\":\"a.txt\",\"x\":" + deep + "}}}";
    return FuzzFrames.frame(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Asserts the hub sends at most a bye PROTOCOL and closes within 5 s. */
  private static void assertClosedWithoutAnAnswer(RawConn c) throws Exception {
    JsonObject first = c.recvWithin(5000);
    if (first != null) {
      assertEquals("bye", first.getString("type"), "expected bye PROTOCOL or a close, got " + first.encode());
      assertEquals("PROTOCOL", first.getJsonObject("payload").getString("code"), first.encode());
    }
    assertTrue(c.closesWithin(5000), "the hub kept the connection open");
  }

  @Test
  void aHundredThousandNestedArraysInACallClosesThatConnectionOnly() throws Exception {
    try (RawConn c = WireAndAuthIT.connectTo(mesh, admin)) {
      // GIVEN an answered call on the same connection, to be sure it works before the deep one
      c.send("call.requested", "before", new JsonObject().put("operationId", "/dev1/fs/stat")
          .put("input", new JsonObject().put("path", "a.txt")));
      assertEquals("call.responded", c.recvFor("before").getString("type"));
      // WHEN a call carries input 100,000 arrays deep, while another client calls
      var meanwhile = other.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt"));
      c.sendRaw(deepCall(false));
      // THEN that connection ends with bye PROTOCOL (or closes), and the other call is answered
      assertClosedWithoutAnAnswer(c);
      assertEquals(1, ((JsonObject) meanwhile.await(10, TimeUnit.SECONDS)).getInteger("size"));
    }
  }

  @Test
  void aHundredThousandNestedObjectsInACallClosesThatConnectionOnly() throws Exception {
    try (RawConn c = WireAndAuthIT.connectTo(mesh, admin)) {
      c.sendRaw(deepCall(true));
      assertClosedWithoutAnAnswer(c);
    }
  }

  @Test
  void aHundredThousandNestedArraysAsTheHelloIsDeniedOrClosed() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      assertEquals("auth.challenge", c.recv().getString("type"));
      c.sendRaw(FuzzFrames.frame(FuzzFrames.nesting(LEVELS, false, false).getBytes(StandardCharsets.UTF_8)));
      JsonObject first = c.recvWithin(5000);
      if (first != null) {
        assertTrue(List.of("auth.denied", "bye").contains(first.getString("type")), first.encode());
        assertEquals("PROTOCOL", first.getJsonObject("payload").getString("code"), first.encode());
      }
      assertTrue(c.closesWithin(5000), "the hub kept the connection open");
    }
  }

  @Test
  void nestingAParserMustTakeStillGetsAnAnswerOnAnOpenConnection() throws Exception {
    try (RawConn c = WireAndAuthIT.connectTo(mesh, admin)) {
      // 200 levels is ordinary JSON: the call is answered (responded or error), the connection stays
      String json = "{\"type\":\"call.requested\",\"id\":\"d200\",\"payload\":{\"operationId\":\"/dev1/fs/stat\","
          + "\"input\":{\"path\":\"a.txt\",\"x\":" + FuzzFrames.nesting(200, false, true) + "}}}";
      c.sendRaw(FuzzFrames.frame(json.getBytes(StandardCharsets.UTF_8)));
      JsonObject r = c.recvFor("d200");
      assertNotNull(r, "the hub closed the connection");
      assertTrue(List.of("call.responded", "call.error").contains(r.getString("type")), r.encode());
      c.send("call.requested", "after", new JsonObject().put("operationId", "/dev1/fs/stat")
          .put("input", new JsonObject().put("path", "a.txt")));
      assertEquals("call.responded", c.recvFor("after").getString("type"));
    }
  }

  @Test
  void oneLevelOverTheDepthLimitClosesTheConnection() throws Exception {
    int limit = dev.callmesh.protocol.JsonLimits.DEFAULT_MAX_DEPTH;
    try (RawConn c = WireAndAuthIT.connectTo(mesh, admin)) {
      // The envelope, payload and input objects make 3 levels: limit - 3 nested arrays are the most allowed
      String json = "{\"type\":\"call.requested\",\"id\":\"at\",\"payload\":{\"operationId\":\"/dev1/fs/stat\","
          + "\"input\":{\"path\":\"a.txt\",\"x\":" + FuzzFrames.nesting(limit - 3, false, true) + "}}}";
      c.sendRaw(FuzzFrames.frame(json.getBytes(StandardCharsets.UTF_8)));
      assertNotNull(c.recvFor("at"), "a frame at the depth limit is served");
      c.sendRaw(FuzzFrames.frame(json.replace("\"at\"", "\"over\"").replace("\"x\":", "\"x\":[").replace("}}}", "]}}}")
          .getBytes(StandardCharsets.UTF_8)));
      assertClosedWithoutAnAnswer(c);
    }
  }
}
