package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The spoke's fs operations through the hub: confined to --root, with the fs domain errors of the README. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfinementIT {

  static Mesh mesh;
  static Path root;
  static CallmeshClient client;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(mesh.dir.resolve("roots").resolve("outside"), "secret");
    Files.writeString(root.resolve("inside.txt"), "inside");
    Files.createSymbolicLink(root.resolve("escape"), mesh.dir.resolve("roots").resolve("outside"));
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("inside.txt"));
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    client = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() {
    assertEquals(0, client.engine().pendingCount());
    assertEquals(0, Mesh.inFlight(client).get("dev1"));
  }

  private static String codeOf(String op, JsonObject input) {
    try {
      client.call("/dev1/fs/" + op, input).await();
      return "OK";
    } catch (CallException e) {
      return e.code();
    }
  }

  private static JsonObject path(String p) {
    return new JsonObject().put("path", p);
  }

  @Test
  void pathsThatLeaveTheRootAreForbidden() {
    assertEquals("FORBIDDEN", codeOf("readFile", path("../outside")));
    assertEquals("FORBIDDEN", codeOf("readFile", path("/etc/passwd")));
    assertEquals("FORBIDDEN", codeOf("readFile", path("a/../../outside")));
    assertEquals("FORBIDDEN", codeOf("readFile", path("escape")));
    assertEquals("FORBIDDEN", codeOf("readFile", path("etc/passwd")));
    assertEquals("FORBIDDEN", codeOf("writeFile", path("escape").put("content", "overwritten")));
    assertEquals("FORBIDDEN", codeOf("list", path("etc")));
    assertEquals("FORBIDDEN", codeOf("remove", path(".").put("recursive", true)));
  }

  @Test
  void nothingOutsideWasTouched() throws Exception {
    codeOf("writeFile", path("escape").put("content", "overwritten"));
    assertEquals("secret", Files.readString(mesh.dir.resolve("roots").resolve("outside")));
  }

  @Test
  void pathsInsideTheRootWork() {
    assertEquals("OK", codeOf("readFile", path("inside.txt")));
    assertEquals("OK", codeOf("readFile", path("alias.txt")));
    assertEquals("OK", codeOf("readFile", path(root.resolve("inside.txt").toString())));
  }

  @Test
  void domainAndSchemaErrors() throws Exception {
    assertEquals("FILE_NOT_FOUND", codeOf("readFile", path("missing.txt")));
    assertEquals("INVALID_INPUT", codeOf("readFile", new JsonObject()));
    assertEquals("INVALID_INPUT", codeOf("readFile", path("inside.txt").put("bogus", true)));
    assertEquals("IS_A_DIRECTORY", codeOf("readFile", path(".")));
    assertEquals("OK", codeOf("mkdir", path("d")));
    assertEquals("FILE_EXISTS", codeOf("move", new JsonObject().put("from", "d").put("to", "inside.txt")));
    try {
      client.call("/dev1/fs/nosuch", new JsonObject()).await();
    } catch (CallException e) {
      assertEquals("NOT_FOUND", e.code());
      assertTrue(e.getMessage().contains("/services/list"), e.getMessage());
    }
  }
}
