package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a new user of the CLI meets in the first hour: the built jars as processes, as in CliEndToEndIT. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliFirstHourIT {

  static Mesh mesh;
  static Path admin;
  static Path root;
  static CallmeshClient adminClient;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "# dev1\n");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    adminClient = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (Mesh.inFlight(adminClient).get("dev1") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, adminClient.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(adminClient), "the hub's pending calls to dev1");
  }

  private static List<String> as(String... args) {
    List<String> all = new ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", admin.toString()));
    all.addAll(List.of(args));
    return all;
  }

  private static JavaProcess cliProcess(String name, Map<String, String> env, List<String> args) throws Exception {
    return JavaProcess.start(name, Tools.jar("callmesh.cli.jar"), mesh.dir, env, args);
  }

  @Test
  void streamingAQueryOrAMutationPrintsItsOneOutputAndExits0() throws Exception {
    try (JavaProcess stat = cliProcess("cli-stream-stat", Map.of(),
        as("stream", "/dev1/fs/stat", "{\"path\":\"README.md\"}"))) {
      assertEquals(0, stat.awaitExit(Duration.ofSeconds(20)), "stream of a query must end: " + stat.stderr());
      assertEquals(1, stat.stdoutLines().size(), String.join("\n", stat.stdoutLines()));
      assertEquals("file", new JsonObject(stat.stdoutLines().get(0)).getString("type"));
    }
    try (JavaProcess run = cliProcess("cli-stream-run", Map.of(), as("stream", "/dev1/bash/run", "{\"command\":\"echo hi\"}"))) {
      assertEquals(0, run.awaitExit(Duration.ofSeconds(20)), "stream of a mutation must end: " + run.stderr());
      assertEquals("hi\n", new JsonObject(run.stdoutLines().get(0)).getString("stdout"));
    }
  }

  @Test
  void callOfASubscriptionTooLargeToCollectFailsSayingToStreamIt() throws Exception {
    Mesh.CliResult r = mesh.cli(as("call", "/dev1/bash/exec",
        "{\"command\":\"head -c 40000000 /dev/zero | tr '\\\\0' x\"}").toArray(String[]::new));
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("RESOURCE_EXHAUSTED") && r.err().contains("callmesh stream"), r.err());
    assertTrue(r.out().length() < 40_000_000, "it stopped collecting at its bound");
  }

  @Test
  void callOfASubscriptionPrintsEveryOutputAsOneArray() throws Exception {
    Mesh.CliResult r = mesh.cli(as("call", "/dev1/bash/exec", "{\"command\":\"echo a; sleep 1; echo b; exit 3\"}")
        .toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    JsonArray outputs = new JsonArray(r.out());
    StringBuilder stdout = new StringBuilder();
    for (int i = 0; i < outputs.size() - 1; i++) {
      stdout.append(outputs.getJsonObject(i).getString("data"));
    }
    assertEquals("a\nb\n", stdout.toString(), r.out());
    assertEquals(3, outputs.getJsonObject(outputs.size() - 1).getInteger("exitCode"), r.out());
  }

  @Test
  void sigtermOnStreamAbortsTheCallAndExits143() throws Exception {
    try (JavaProcess cli = cliProcess("cli-sigterm", Map.of(),
        as("stream", "/dev1/bash/exec", "{\"command\":\"sleep 4245\"}"))) {
      Procs.awaitPresent("(.*/)?sleep 4245");
      cli.signal("TERM");
      assertEquals(143, cli.awaitExit(Duration.ofSeconds(10)), cli.stderr());
      assertTrue(Procs.millisUntilGone("(.*/)?sleep 4245", 3000) >= 0, "sleep 4245 still runs after SIGTERM to the CLI");
    }
  }

  @Test
  void demoLeavesNoKeysBehindWhenItExitsOrIsTerminated() throws Exception {
    Path tmp = Files.createDirectory(mesh.dir.resolve("demo-tmp"));
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
    Mesh.CliResult r = mesh.cli(env, "demo", "--listen", "127.0.0.1:0", "--exit");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(), list(tmp), "left behind by demo --exit");

    try (JavaProcess demo = cliProcess("cli-demo", env, List.of("demo", "--listen", "127.0.0.1:0"))) {
      demo.awaitLine(l -> l.contains("Ctrl-C stops the demo"), Duration.ofSeconds(60));
      assertEquals(1, list(tmp).size(), "the demo's key directory while it runs");
      demo.signal("TERM");
      demo.awaitExit(Duration.ofSeconds(20));
      assertEquals(List.of(), list(tmp), "left behind by demo after SIGTERM");
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("callmesh-demo-")).toList();
    }
  }

  @Test
  void demoPrintsCommandsThatWorkFromWhereTheUserIs() throws Exception {
    Mesh.CliResult r = mesh.cli("demo", "--listen", "127.0.0.1:0", "--exit");
    assertEquals(0, r.exit(), r.err());
    String jar = Tools.jar("callmesh.cli.jar").toAbsolutePath().normalize().toString();
    assertTrue(r.out().contains("java -jar " + jar + " --hub ") || r.out().contains("  callmesh --hub "), r.out());
    assertFalse(r.out().contains("java -jar cli/target/callmesh.jar"), "a path relative to the repository: " + r.out());
  }

  @Test
  void keygenPrintsTheAuthorizedKeysLineOfTheReadmeWithTheNameGiven() throws Exception {
    Path file = mesh.dir.resolve("alice");
    Mesh.CliResult r = mesh.cli("keygen", file.toString());
    assertEquals(0, r.exit(), r.err());
    String pub = Files.readString(Path.of(file + ".pub")).trim();
    assertTrue(r.out().contains("name=\"alice\",allow=\"/dev1/*,/hub/*\" " + pub), r.out());
    assertTrue(r.out().contains("spoke=\""), "says how to let the key serve as a spoke: " + r.out());
  }

  @Test
  void invalidJsonIsOneLineSayingWhereAndExits2() throws Exception {
    Mesh.CliResult r = mesh.cli(as("call", "/dev1/fs/stat", "{path:\"README.md\"}").toArray(String[]::new));
    assertEquals(2, r.exit(), r.err());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).contains("line 1, column 2"), r.err());
    assertFalse(r.err().contains("jackson") || r.err().contains("Usage:"), r.err());
  }

  @Test
  void aPublicKeyAsKeyIsToldToUseThePrivateOne() throws Exception {
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", admin + ".pub", "services");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("private key") && r.err().contains(admin.toString() + " "), r.err());
  }

  @Test
  void everyCommandSummaryInTheTopLevelHelpIsASentence() throws Exception {
    Mesh.CliResult top = mesh.cli("--help");
    assertEquals(0, top.exit(), top.err());
    List<String> lines = top.out().lines().toList();
    int start = lines.indexOf("Commands:");
    assertTrue(start > 0, top.out());
    List<String> summaries = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.isBlank()) {
        break;
      }
      boolean newCommand = line.startsWith("  ") && !line.startsWith("   ");
      if (newCommand || summaries.isEmpty()) {
        summaries.add(line.trim());
      } else {
        summaries.set(summaries.size() - 1, summaries.get(summaries.size() - 1) + " " + line.trim());
      }
    }
    for (String s : summaries) {
      assertTrue(s.endsWith(".") || s.startsWith("help "), "cut mid-sentence: " + s + "\n" + top.out());
    }
  }
}
