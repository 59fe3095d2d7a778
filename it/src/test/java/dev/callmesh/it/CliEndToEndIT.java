package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

/** The built hub, spoke and CLI jars as separate processes on loopback, with ssh-keygen keys. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliEndToEndIT {

  static Mesh mesh;
  static Path admin;
  static Path reader;
  static Path root;
  static CallmeshClient adminClient;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    reader = mesh.userKey("reader", "/services/*,/*/fs/read*");
    root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "# dev1\nhello from dev1\n");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    adminClient = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() {
    assertEquals(0, adminClient.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(adminClient), "the hub's pending calls to dev1");
  }

  private String[] as(Path key, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString()));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  @Test
  void callReadFilePrintsTheFile() throws Exception {
    Mesh.CliResult r = mesh.cli(as(admin, "call", "/dev1/fs/readFile", "{\"path\":\"README.md\"}"));
    assertEquals(0, r.exit(), r.err());
    assertEquals("# dev1\nhello from dev1\n", r.json().getString("content"));
    assertEquals(23, r.json().getInteger("size"));
  }

  @Test
  void servicesListShowsTheSpokesAndTheHubsOperations() throws Exception {
    JsonArray ops = ((JsonObject) adminClient.call("/services/list", new JsonObject()).await()).getJsonArray("operations");
    List<String> names = ops.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertTrue(names.containsAll(List.of("/dev1/fs/readFile", "/dev1/fs/writeFile", "/dev1/fs/list",
        "/hub/spokes/list", "/services/list", "/services/schema")), names.toString());
    JsonObject readFile = ops.stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("name").equals("/dev1/fs/readFile")).findFirst().orElseThrow();
    assertEquals("dev1", readFile.getString("spoke"));
    assertEquals("query", readFile.getString("opType"));
    assertEquals("fs", readFile.getString("namespace"));

    Mesh.CliResult r = mesh.cli(as(admin, "services"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("/dev1/fs/readFile") && r.out().contains("/services/list"), r.out());
  }

  @Test
  void schemaAndSpokesCommands() throws Exception {
    Mesh.CliResult schema = mesh.cli(as(admin, "schema", "/dev1/fs/readFile"));
    assertEquals(0, schema.exit(), schema.err());
    assertEquals("/dev1/fs/readFile", schema.json().getString("name"));
    assertEquals("object", schema.json().getJsonObject("inputSchema").getString("type"));

    Mesh.CliResult spokes = mesh.cli(as(admin, "spokes", "--json"));
    assertEquals(0, spokes.exit(), spokes.err());
    JsonObject dev1 = spokes.json().getJsonArray("spokes").getJsonObject(0);
    assertEquals("dev1", dev1.getString("name"));
    assertEquals("dev1", dev1.getString("identity"));
    assertEquals("tcp", dev1.getString("transport"));
  }

  @Test
  void aKeyAllowedOnlyToReadIsForbiddenToWriteAndDoesNotSeeWrite() throws Exception {
    Mesh.CliResult w = mesh.cli(as(reader, "call", "/dev1/fs/writeFile", "{\"path\":\"x.txt\",\"content\":\"x\"}"));
    assertEquals(1, w.exit());
    assertEquals("FORBIDDEN", new JsonObject(w.err().trim()).getJsonObject("error").getString("code"), w.err());
    assertTrue(Files.notExists(root.resolve("x.txt")));

    Mesh.CliResult list = mesh.cli(as(reader, "services", "--json"));
    assertEquals(0, list.exit(), list.err());
    List<String> names = list.json().getJsonArray("operations").stream()
        .map(o -> ((JsonObject) o).getString("name")).toList();
    assertTrue(names.contains("/dev1/fs/readFile"), names.toString());
    assertTrue(!names.contains("/dev1/fs/writeFile") && !names.contains("/hub/spokes/list"), names.toString());

    Mesh.CliResult read = mesh.cli(as(reader, "call", "/dev1/fs/readFile", "{\"path\":\"README.md\"}"));
    assertEquals(0, read.exit(), read.err());
  }

  @Test
  void errorsAreJsonOnStderrWithExit1AndUsageErrorsExit2() throws Exception {
    Mesh.CliResult missing = mesh.cli(as(admin, "call", "/dev1/fs/readFile", "{\"path\":\"nope.txt\"}"));
    assertEquals(1, missing.exit());
    assertEquals("", missing.out());
    assertEquals("FILE_NOT_FOUND", new JsonObject(missing.err().trim()).getJsonObject("error").getString("code"));

    Mesh.CliResult badJson = mesh.cli(as(admin, "call", "/dev1/fs/readFile", "{not json"));
    assertEquals(2, badJson.exit(), badJson.err());
    Mesh.CliResult noCommand = mesh.cli("frobnicate");
    assertEquals(2, noCommand.exit());
    Mesh.CliResult down = mesh.cli("--hub", "tcp://127.0.0.1:1", "--key", admin.toString(), "call", "/services/list");
    assertEquals(1, down.exit());
    assertEquals("UNAVAILABLE", new JsonObject(down.err().trim()).getJsonObject("error").getString("code"));
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String cmd : List.of("call", "stream", "services", "schema", "spokes", "keygen", "demo")) {
      Mesh.CliResult r = mesh.cli(cmd, "--help");
      assertEquals(0, r.exit(), cmd + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: callmesh " + cmd), r.out());
    }
    Mesh.CliResult top = mesh.cli("--help");
    assertEquals(0, top.exit());
    assertTrue(top.out().contains("keygen") && top.out().contains("demo"), top.out());
  }

  @Test
  void keygenWritesAKeyThatSshKeygenReadsAndTheHubAccepts() throws Exception {
    Path file = mesh.dir.resolve("made-by-cli");
    Mesh.CliResult r = mesh.cli("keygen", file.toString(), "--comment", "cli@it");
    assertEquals(0, r.exit(), r.err());
    Process p = new ProcessBuilder(Tools.require("ssh-keygen").toString(), "-y", "-f", file.toString()).start();
    String derived = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor());
    assertTrue(Files.readString(Path.of(file + ".pub")).startsWith(derived), derived);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(1, mesh.cli("keygen", file.toString()).exit(), "refuses to overwrite");

    mesh.authorize("name=\"cli-made\",allow=\"/dev1/fs/stat\"", file);
    Mesh.CliResult stat = null;
    for (int i = 0; i < 30; i++) { // the hub polls authorized_keys every second
      stat = mesh.cli(as(file, "call", "/dev1/fs/stat", "{\"path\":\"README.md\"}"));
      if (stat.exit() == 0) {
        break;
      }
      Thread.sleep(300);
    }
    assertEquals(0, stat.exit(), stat.err());
    assertEquals("file", stat.json().getString("type"));
  }

  @Test
  void demoRunsAHubAndASpokeInOneProcess() throws Exception {
    Mesh.CliResult r = mesh.cli("demo", "--listen", "127.0.0.1:0", "--exit");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("/local/fs/readFile"), r.out());
    assertTrue(r.out().contains("Try it from another terminal"), r.out());
  }
}
