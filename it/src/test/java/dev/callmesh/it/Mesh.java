package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hub and spokes as real processes from the built jars, on loopback, with keys made by
 * {@code ssh-keygen}; plus CLI runs and in-process Java clients. Closing it stops everything it started.
 */
final class Mesh implements AutoCloseable {

  static final Duration START = Duration.ofSeconds(30);

  final Path dir;
  final Path keys;
  private final Path hubJar = Tools.jar("callmesh.hub.jar");
  private final Path spokeJar = Tools.jar("callmesh.spoke.jar");
  private final Path cliJar = Tools.jar("callmesh.cli.jar");
  private final Path sshKeygen = Tools.require("ssh-keygen");
  private final List<JavaProcess> processes = new ArrayList<>();
  private final List<CallmeshClient> clients = new ArrayList<>();
  private Vertx vertx;
  JavaProcess hub;
  int port;
  int httpPort;
  /** Extra JVM options for the hub and spokes started from now on, e.g. a heap limit. */
  List<String> jvmArgs = List.of();

  Mesh() throws IOException {
    dir = Files.createTempDirectory("callmesh-it-");
    keys = dir.resolve("authorized_keys");
    Files.writeString(keys, "");
  }

  /** @return a new ed25519 key made by ssh-keygen: dir/NAME and dir/NAME.pub */
  Path key(String name) throws IOException, InterruptedException {
    return key(name, "");
  }

  /** @return a new ed25519 key made by ssh-keygen, encrypted with the passphrase unless it is empty */
  Path key(String name, String passphrase) throws IOException, InterruptedException {
    Path file = dir.resolve(name);
    Process p = new ProcessBuilder(sshKeygen.toString(), "-q", "-t", "ed25519", "-N", passphrase, "-C", name + "@it",
        "-f", file.toString()).redirectErrorStream(true).start();
    assertEquals(0, p.waitFor(), "ssh-keygen failed: " + new String(p.getInputStream().readAllBytes()));
    return file;
  }

  /** Appends an authorized_keys line: the options, then the key's .pub line. */
  void authorize(String options, Path key) throws IOException {
    String pub = Files.readString(Path.of(key + ".pub")).trim();
    Files.writeString(keys, (options.isEmpty() ? "" : options + " ") + pub + "\n", StandardOpenOption.APPEND);
  }

  /** @return a new key, authorized as identity NAME that may register as the spoke NAME */
  Path spokeKey(String name) throws IOException, InterruptedException {
    Path key = key(name);
    authorize("name=\"" + name + "\",spoke=\"" + name + "\"", key);
    return key;
  }

  /** @return a new key, authorized as identity NAME that may call the operations of the allow list */
  Path userKey(String name, String allow) throws IOException, InterruptedException {
    Path key = key(name);
    authorize("name=\"" + name + "\",allow=\"" + allow + "\"", key);
    return key;
  }

  /** @return a new key, authorized as identity {@code admin} that may call {@code /dev1/*} and {@code /hub/*} */
  Path adminKey() throws IOException, InterruptedException {
    return userKey("admin", "/dev1/*,/hub/*");
  }

  /** @return a fresh directory to serve as a spoke root */
  Path root(String name) throws IOException {
    return Files.createDirectories(dir.resolve("roots").resolve(name));
  }

  /** Starts the hub on a free port (or the given one) and waits until it listens. */
  JavaProcess startHub(int fixedPort, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + fixedPort, "--authorized-keys",
        keys.toString(), "--hub-id", "it-hub", "--hub-key", dir.resolve("hub_key").toString(), "--http", "127.0.0.1:0"));
    args.addAll(List.of(extra));
    if (!args.contains("--data-dir")) {
      args.addAll(List.of("--data-dir", dir.resolve("hub-data").toString())); // the same one when restarted
    }
    hub = start("hub", hubJar, args);
    String line = hub.awaitLine(l -> l.contains(" listening on "), START);
    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    String http = hub.awaitLine(l -> l.contains(" HTTP on "), START);
    httpPort = Integer.parseInt(http.substring(http.lastIndexOf(':') + 1).trim());
    return hub;
  }

  /**
   * A hub of a cluster, running as its own process.
   *
   * @param process the process
   * @param port its TCP port
   * @param httpPort its HTTP port
   * @param member its cluster member address, host:port
   */
  record ClusterHub(JavaProcess process, int port, int httpPort, String member) {
    /** @return its tcp:// URL */
    String url() {
      return "tcp://127.0.0.1:" + port;
    }
  }

  /**
   * Starts a clustered hub on free ports, with the mesh's keys and hub key, and waits until it has joined.
   *
   * @param id its --hub-id
   * @param cluster the cluster's name
   * @param peers members to join, or {@code null} to form the cluster
   */
  ClusterHub startClusterHub(String id, String cluster, String peers, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--authorized-keys", keys.toString(),
        "--hub-id", id, "--hub-key", dir.resolve("hub_key").toString(), "--http", "127.0.0.1:0",
        "--cluster", "127.0.0.1:0", "--cluster-name", cluster, "--data-dir", dir.resolve("data-" + id).toString()));
    if (peers != null) {
      args.addAll(List.of("--cluster-peers", peers));
    }
    args.addAll(List.of(extra));
    JavaProcess p = start(id, hubJar, args);
    Duration joining = Duration.ofSeconds(60);
    String line = p.awaitLine(l -> l.contains(" listening on "), joining);
    int tcp = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    String http = p.awaitLine(l -> l.contains(" HTTP on "), joining);
    String member = p.awaitLine(l -> l.contains(" cluster member "), joining);
    member = member.substring(member.indexOf(" cluster member ") + 16, member.indexOf(" of "));
    return new ClusterHub(p, tcp, Integer.parseInt(http.substring(http.lastIndexOf(':') + 1).trim()), member);
  }

  /** Starts the hub jar with exactly these arguments, waiting for nothing. */
  JavaProcess startHubJar(String name, String... args) throws IOException {
    return start(name, hubJar, List.of(args));
  }

  /**
   * @return a Java client connected to the hub URL with the key. Like every client of this class it does not
   *     try calls again (so a test sees the hub's own answer, one call per call); it does reconnect.
   */
  CallmeshClient client(Path key, String hubUrl) throws Exception {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    CallmeshClient c = CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions()
        .setHubUrl(HubUrl.parse(hubUrl))
        .setCredentials(Credentials.key(SshKeyPair.load(key, null)))).setMaxRetries(0)).await();
    clients.add(c);
    return c;
  }

  /** Starts a spoke and waits until the hub has welcomed it. */
  JavaProcess startSpoke(String name, Path key, Path root) throws Exception {
    return startSpoke(name, key, root, Map.of());
  }

  /** Starts a spoke with extra environment variables and waits until the hub has welcomed it. */
  JavaProcess startSpoke(String name, Path key, Path root, Map<String, String> env) throws Exception {
    JavaProcess spoke = start("spoke-" + name, spokeJar, env, List.of("--hub", "tcp://127.0.0.1:" + port,
        "--name", name, "--key", key.toString(), "--root", root.toString()));
    spoke.awaitLine(l -> l.contains("connected to"), START);
    return spoke;
  }

  /**
   * Starts a spoke that dials the given hub URL with extra arguments (e.g. {@code --known-hosts FILE});
   * waits until the hub has welcomed it when {@code await} is set.
   */
  JavaProcess startSpoke(String hubUrl, String name, Path key, Path root, boolean await, String... extra)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--hub", hubUrl, "--name", name, "--key", key.toString(),
        "--root", root.toString()));
    args.addAll(List.of(extra));
    JavaProcess spoke = start("spoke-" + name, spokeJar, args);
    if (await) {
      spoke.awaitLine(l -> l.contains("connected to"), START);
    }
    return spoke;
  }

  private JavaProcess start(String name, Path jar, List<String> args) throws IOException {
    return start(name, jar, Map.of(), args);
  }

  private JavaProcess start(String name, Path jar, Map<String, String> env, List<String> args) throws IOException {
    JavaProcess p = JavaProcess.start(name, jar, dir, env, jvmArgs, args);
    processes.add(p);
    return p;
  }

  /** The result of one CLI run. */
  record CliResult(int exit, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  /** Runs {@code java -jar callmesh.jar ARGS} to its end. */
  CliResult cli(String... args) throws Exception {
    return cli(Map.of(), args);
  }

  /** Runs {@code java -jar callmesh.jar ARGS} with extra environment variables. */
  CliResult cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JavaProcess.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-jar", cliJar.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLMESH_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("callmesh " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new CliResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** @return a Java client connected to the hub with the key */
  CallmeshClient client(Path key) throws Exception {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    CallmeshClient c = CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions()
        .setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + port))
        .setCredentials(Credentials.key(SshKeyPair.load(key, null)))).setMaxRetries(0)).await();
    clients.add(c);
    return c;
  }

  /** @return what the hub has pending towards each spoke, by name (from /hub/spokes/list) */
  static Map<String, Integer> inFlight(CallmeshClient admin) {
    JsonArray spokes = ((JsonObject) admin.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < spokes.size(); i++) {
      m.put(spokes.getJsonObject(i).getString("name"), spokes.getJsonObject(i).getInteger("inFlight"));
    }
    return m;
  }

  @Override
  public void close() throws Exception {
    for (CallmeshClient c : clients) {
      try {
        c.close().await(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already gone
      }
    }
    if (vertx != null) {
      vertx.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    for (JavaProcess p : processes) {
      p.close();
    }
  }
}
