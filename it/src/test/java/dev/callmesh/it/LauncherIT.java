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
 * The launchers as users run them: the spoke's, {@code spoke/target/callmesh-spoke}, with a real hub, its
 * class-data archive made on the first start and used on the next; the CLI's, {@code cli/target/callmesh},
 * through a symbolic link as on a user's PATH, its archive made once in the background.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {

  private static final Duration FIRST_START = Duration.ofSeconds(90);

  private final Path launcher = Tools.jar("callmesh.spoke.launcher");
  /** The CLI's launcher, built beside its jar. */
  private final Path cliLauncher = Tools.jar("callmesh.cli.jar").resolveSibling("callmesh");
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

  @Test
  void spokeThatCannotStartPrintsItsOwnErrorOnly() throws Exception {
    Path key = mesh.key("dev1");
    Path cache = mesh.dir.resolve("cache");
    Path missing = mesh.dir.resolve("missing");
    // GIVEN no archive yet (a training run would be due), WHEN the spoke's root does not exist
    JavaProcess p = launch(Map.of("CALLMESH_CACHE_DIR", cache.toString()), List.of("--hub", "tcp://127.0.0.1:9",
        "--name", "dev1", "--key", key.toString(), "--root", missing.toString()));
    // THEN it exits 2 with the spoke's error and nothing of class-data archives before or after it
    assertEquals(2, p.awaitExit(Mesh.START), p.stderr());
    assertEquals(List.of("callmesh-spoke: root " + missing + " is not a directory"), p.stderrLines());
    assertFalse(Files.exists(cache) && !archives(cache).isEmpty(), "an archive was made for a failed start");
  }

  @Test
  void cliLauncherRunsCommandsAndMakesItsArchiveOnce() throws Exception {
    Path cache = mesh.dir.resolve("cache");
    Path bin = Files.createDirectories(mesh.dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("callmesh"), cliLauncher.toAbsolutePath());
    Map<String, String> env = Map.of("CALLMESH_CACHE_DIR", cache.toString(),
        "JAVA_HOME", System.getProperty("java.home"));

    // GIVEN no archive, WHEN a command runs through a link to the launcher, THEN it works and says nothing more
    JavaProcess first = cli(link, env, List.of("keygen", "--comment", "a", mesh.dir.resolve("a").toString()));
    assertEquals(0, first.awaitExit(Mesh.START), first.stderr());
    assertTrue(first.stdoutLines().get(0).startsWith("wrote "), first.stdoutLines().toString());
    assertEquals(List.of(), first.stderrLines());
    assertTrue(Files.exists(mesh.dir.resolve("a.pub")));

    // AND the archive is made in the background, once
    Path archive = awaitArchive(cache);
    Path log = cache.resolve(archive.getFileName().toString().replaceFirst("-[0-9]+\\.jsa$", ".training.log"));
    assertTrue(Files.readString(log).contains("made " + archive), Files.readString(log));
    long made = Files.getLastModifiedTime(archive).toMillis();
    long logged = Files.getLastModifiedTime(log).toMillis();

    // WHEN the next command runs, THEN the JVM loads the CLI's classes from that archive and trains no more
    // (the class loading log through JDK_JAVA_OPTIONS: CALLMESH_JAVA_OPTS would call for another archive)
    Path classLog = mesh.dir.resolve("class-load.log");
    String logOpt = "-Xlog:class+load=info:file=" + classLog;
    Map<String, String> logging = new java.util.HashMap<>(env);
    logging.put("JDK_JAVA_OPTIONS", logOpt);
    JavaProcess second = cli(link, logging, List.of("keygen", "--comment", "b", mesh.dir.resolve("b").toString()));
    assertEquals(0, second.awaitExit(Mesh.START), second.stderr());
    assertEquals(List.of("NOTE: Picked up JDK_JAVA_OPTIONS: " + logOpt), second.stderrLines());
    assertTrue(Files.readString(classLog).contains("picocli.CommandLine source: shared objects file"),
        "picocli came from the jar, not the archive");
    JavaProcess third = cli(link, env, List.of("--version"));
    assertEquals(0, third.awaitExit(Mesh.START), third.stderr());
    assertEquals(List.of("callmesh 0.1.0"), third.stdoutLines());
    Thread.sleep(1000);
    assertEquals(List.of(archive), archives(cache));
    assertEquals(made, Files.getLastModifiedTime(archive).toMillis(), "the archive was made again");
    assertEquals(logged, Files.getLastModifiedTime(log).toMillis(), "a training run started again");
  }

  @Test
  void cliLauncherUsageErrorExitsTwoWithTheErrorOnly() throws Exception {
    Path cache = mesh.dir.resolve("cache");
    Map<String, String> env = Map.of("CALLMESH_CACHE_DIR", cache.toString());
    // GIVEN no archive yet (one is due), WHEN an option is wrong, THEN exit 2, the error first, no CDS words
    JavaProcess bad = cli(cliLauncher, env, List.of("--no-such-option"));
    assertEquals(2, bad.awaitExit(Mesh.START), bad.stderr());
    assertEquals("Unknown option: '--no-such-option'", bad.stderrLines().get(0), bad.stderr());
    for (String word : List.of("class-data", "archive", "cds", "CDS", "shared")) {
      assertFalse(bad.stderr().contains(word), word + " in:\n" + bad.stderr());
    }
    assertEquals(List.of(), bad.stdoutLines());
    // AND with the archive in place the same
    awaitArchive(cache);
    JavaProcess again = cli(cliLauncher, env, List.of("--no-such-option"));
    assertEquals(2, again.awaitExit(Mesh.START), again.stderr());
    assertEquals(bad.stderrLines(), again.stderrLines());
  }

  /** Runs {@code sh LAUNCHER ARGS} in the mesh's directory. */
  private JavaProcess cli(Path script, Map<String, String> env, List<String> args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", script.toString()));
    cmd.addAll(args);
    JavaProcess p = JavaProcess.exec("callmesh", mesh.dir, env, cmd);
    started.add(p);
    return p;
  }

  /** @return the one archive in the cache once the background training run has made it (90 s at most) */
  private static Path awaitArchive(Path cache) throws Exception {
    long deadline = System.nanoTime() + FIRST_START.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(cache) && !archives(cache).isEmpty() && lockGone(cache)) {
        List<Path> archives = archives(cache);
        assertEquals(1, archives.size(), archives.toString());
        return archives.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no archive in " + cache + " after " + FIRST_START);
  }

  private static boolean lockGone(Path cache) throws Exception {
    try (Stream<Path> files = Files.list(cache)) {
      return files.noneMatch(f -> f.toString().endsWith(".lock"));
    }
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
