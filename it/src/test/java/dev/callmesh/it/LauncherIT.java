package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spoke's launcher, {@code spoke/target/callmesh-spoke}, as users run it: a real hub, the launcher
 * started as a process, its class-data archive made on the first start and used on the next.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {

  private static final Duration FIRST_START = Duration.ofSeconds(90);

  private final Path launcher = Tools.jar("callmesh.spoke.launcher");
  private final List<JavaProcess> started = new java.util.ArrayList<>();
  private Mesh mesh;

  @BeforeEach
  void mesh() throws Exception {
    mesh = new Mesh();
  }

  @AfterEach
  void stop() throws Exception {
    for (JavaProcess p : started) {
      p.close();
    }
    mesh.close();
  }

  @Test
  void firstStartMakesAnArchiveTheNextStartUses() throws Exception {
    Path spokeKey = mesh.key("dev1");
    Path admin = mesh.key("admin");
    mesh.authorize("name=\"dev1\",spoke=\"dev1\"", spokeKey);
    mesh.authorize("name=\"admin\",allow=\"/dev1/*\"", admin);
    Path root = mesh.root("dev1");
    mesh.startHub(0);
    Path cache = mesh.dir.resolve("cache");
    List<String> args = List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--name", "dev1", "--key",
        spokeKey.toString(), "--root", root.toString());
    Map<String, String> env = Map.of("CALLMESH_CACHE_DIR", cache.toString(),
        "JAVA_HOME", System.getProperty("java.home"), "CALLMESH_JAVA_OPTS", "-Dcallmesh.it.marker=1");

    // GIVEN no archive yet, WHEN the launcher starts, THEN a training run makes one and the spoke uses it
    JavaProcess first = launch(env, args);
    first.awaitLine(l -> l.contains(" connected to "), FIRST_START);
    assertTrue(first.stderr().contains("making a class-data archive"), first.stderr());
    List<Path> archives = archives(cache);
    assertEquals(1, archives.size(), archives.toString());
    Path archive = archives.get(0);
    List<String> cmd = commandLine(first);
    assertTrue(cmd.contains("-XX:SharedArchiveFile=" + archive), cmd.toString());
    assertTrue(cmd.contains("-XX:+UseSerialGC"), cmd.toString());
    assertTrue(cmd.indexOf("-Dcallmesh.it.marker=1") > cmd.indexOf("-Xmx256m"),
        "CALLMESH_JAVA_OPTS come after the defaults, so they win: " + cmd);

    // AND the default heap serves a call near the 16 MiB frame limit both ways (11 MiB, 14.7 MiB as base64)
    CallmeshClient client = mesh.client(admin);
    byte[] data = new byte[11 * 1024 * 1024];
    new Random(7).nextBytes(data);
    String content = Base64.getEncoder().encodeToString(data);
    client.call("/dev1/fs/writeFile", new JsonObject().put("path", "big.bin").put("content", content)
        .put("encoding", "base64")).await(60, TimeUnit.SECONDS);
    JsonObject read = (JsonObject) client.call("/dev1/fs/readFile", new JsonObject().put("path", "big.bin")
        .put("encoding", "base64")).await(60, TimeUnit.SECONDS);
    assertEquals(content, read.getString("content"));
    assertEquals(0, client.engine().pendingCount());

    // AND the launcher exec'd the JVM: SIGTERM reaches the spoke, which says bye and exits 0
    first.signal("TERM");
    assertEquals(0, first.awaitExit(Duration.ofSeconds(30)), first.stderr());

    // WHEN it starts again, THEN it uses the same archive without training
    JavaProcess second = launch(env, args);
    second.awaitLine(l -> l.contains(" connected to "), Mesh.START);
    assertFalse(second.stderr().contains("class-data archive"), second.stderr());
    assertTrue(commandLine(second).contains("-XX:SharedArchiveFile=" + archive));
    assertEquals(List.of(archive), archives(cache));
  }

  @Test
  void helpNeedsNoHubAndMakesNoArchive() throws Exception {
    Path cache = mesh.dir.resolve("cache");
    JavaProcess help = launch(Map.of("CALLMESH_CACHE_DIR", cache.toString()), List.of("--help"));
    assertEquals(0, help.awaitExit(Mesh.START), help.stderr());
    assertTrue(String.join("\n", help.stdoutLines()).contains("--hub"), help.stdoutLines().toString());
    assertFalse(Files.exists(cache) && !archives(cache).isEmpty(), "an archive was made for --help");
  }

  /** Starts {@code sh spoke/target/callmesh-spoke ARGS} in the mesh's directory. */
  private JavaProcess launch(Map<String, String> env, List<String> args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
    cmd.addAll(args);
    JavaProcess p = JavaProcess.exec("launcher", mesh.dir, env, cmd);
    started.add(p);
    return p;
  }

  private static List<Path> archives(Path cache) throws Exception {
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(f -> f.toString().endsWith(".jsa")).sorted().toList();
    }
  }

  /** @return the command line of the process started as the launcher: the JVM it exec'd */
  private static List<String> commandLine(JavaProcess p) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.process().pid()), "cmdline"));
    List<String> cmd = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    assertTrue(cmd.get(0).endsWith("java"), "the launcher exec'd java: " + cmd);
    return cmd;
  }
}
