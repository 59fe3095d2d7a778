package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three hub processes on loopback as one cluster, with spokes spread over them. The tests share the
 * cluster and run in order, the last ones stopping hubs: a call, a stream with credit and an abort
 * between hubs; takeover across hubs; a fourth hub joining late; SIGTERM of a hub; kill -9 of a hub in
 * the middle of a stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIT {

  static Mesh mesh;
  static Path spokeKey;
  static Path admin;
  static Path other;
  static Path root;
  static Mesh.ClusterHub hub1;
  static Mesh.ClusterHub hub2;
  static Mesh.ClusterHub hub3;
  static String name = "it-" + ProcessHandle.current().pid();

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.key("dev");
    mesh.authorize("name=\"dev\",spoke=\"dev*\"", spokeKey);
    admin = mesh.userKey("admin", "/*");
    other = mesh.userKey("other", "/*");
    root = mesh.root("dev");
    Files.writeString(root.resolve("README.md"), "# clustered\n");
    hub1 = mesh.startClusterHub("hub1", name, null);
    hub2 = mesh.startClusterHub("hub2", name, hub1.member());
    hub3 = mesh.startClusterHub("hub3", name, hub1.member() + "," + hub2.member());
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  /** @return the spokes the hub lists, by name, with the hub that holds each */
  static JsonObject spokesSeenBy(CallmeshClient client) {
    JsonArray spokes = ((JsonObject) client.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    JsonObject byName = new JsonObject();
    for (int i = 0; i < spokes.size(); i++) {
      byName.put(spokes.getJsonObject(i).getString("name"), spokes.getJsonObject(i).getString("hub"));
    }
    return byName;
  }

  static void waitUntil(Duration limit, String what, java.util.function.BooleanSupplier cond) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(100);
    }
  }

  static boolean answers(CallmeshClient client, String path) {
    try {
      client.call(path, new JsonObject().put("path", "README.md")).await(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  @Order(0)
  void aStandaloneHubLoadsNoClusterClass() throws Exception {
    try (Mesh alone = new Mesh()) {
      Path classes = alone.dir.resolve("classes.log");
      alone.jvmArgs = List.of("-Xlog:class+load=info:file=" + classes);
      Path adminKey = alone.adminKey();
      alone.startHub(0);
      CallmeshClient client = alone.client(adminKey);
      assertEquals(1, ((JsonObject) client.call("/hub/cluster/members", new JsonObject()).await())
          .getJsonArray("members").size(), "a standalone hub lists itself alone");
      List<String> loaded = Files.readAllLines(classes);
      assertTrue(loaded.size() > 1000, "the class log was written");
      assertTrue(loaded.stream().noneMatch(l -> l.contains("com.hazelcast") || l.contains(".impl.cluster.")),
          loaded.stream().filter(l -> l.contains("hazelcast") || l.contains(".impl.cluster.")).limit(5).toList().toString());
    }
  }

  @Test
  @Order(1)
  void aCallAStreamWithCreditAndAnAbortCrossFromHub2ToASpokeOnHub1() throws Exception {
    mesh.startSpoke(hub1.url(), "dev1", spokeKey, root, true);
    CallmeshClient client = mesh.client(admin, hub2.url());
    waitUntil(Duration.ofSeconds(10), "hub2 lists dev1", () -> "hub1".equals(spokesSeenBy(client).getString("dev1")));
    JsonObject stat = (JsonObject) client.call("/dev1/fs/stat", new JsonObject().put("path", "README.md")).await();
    assertEquals("file", stat.getString("type"));

    List<Object> seen = new CopyOnWriteArrayList<>();
    CallStream stream = client.subscribe(new JsonObject().put("operationId", "/dev1/bash/exec")
        .put("input", new JsonObject().put("command", "for i in $(seq 1 200); do echo $i; sleep 0.01; done")), 2);
    stream.pause();
    stream.handler(seen::add);
    Thread.sleep(1500);
    assertEquals(List.of(), seen, "nothing is handled while paused");
    stream.fetch(3);
    waitUntil(Duration.ofSeconds(5), "3 outputs", () -> seen.size() == 3);
    Thread.sleep(500);
    assertEquals(3, seen.size(), "exactly as many as fetched");
    stream.abort("enough");

    CallStream sleeper = client.subscribe("/dev1/bash/exec", new JsonObject().put("command", "sleep 4351"));
    sleeper.handler(o -> { });
    Procs.awaitPresent("(.*/)?sleep 4351");
    sleeper.abort("stop it");
    assertTrue(Procs.millisUntilGone(".*sleep 4351.*", 5000) >= 0, "the abort crossed the hubs and killed the process");
    PromText metrics = new PromText(HttpApiIT.curl("http://127.0.0.1:" + hub2.httpPort() + "/metrics").body());
    assertTrue(metrics.value("callmesh_cluster_forwarded_total", java.util.Map.of()) >= 3, metrics.text);
    assertEquals(3, metrics.value("callmesh_cluster_members", java.util.Map.of()), metrics.text);
    HttpApiIT.Http ready = HttpApiIT.curl("http://127.0.0.1:" + hub2.httpPort() + "/readyz");
    assertEquals(200, ready.status(), ready.body());
    assertTrue(ready.body().contains("\"cluster\""), "readiness has a cluster check: " + ready.body());
  }

  @Test
  @Order(1)
  void aPoolSpansHubsAndLabelsTravelWithTheSpoke() throws Exception {
    Path r1 = mesh.root("dev-p1");
    Path r2 = mesh.root("dev-p2");
    Files.writeString(r1.resolve("who.txt"), "dev-p1");
    Files.writeString(r2.resolve("who.txt"), "dev-p2");
    JavaProcess p1 = mesh.startSpoke(hub1.url(), "dev-p1", spokeKey, r1, true, "--pool", "devpool", "--label", "zone=a");
    JavaProcess p2 = mesh.startSpoke(hub2.url(), "dev-p2", spokeKey, r2, true, "--pool", "devpool", "--label", "zone=b");
    CallmeshClient client = mesh.client(admin, hub3.url());
    waitUntil(Duration.ofSeconds(10), "hub3 lists both members",
        () -> spokesSeenBy(client).containsKey("dev-p1") && spokesSeenBy(client).containsKey("dev-p2"));
    JsonArray spokes = ((JsonObject) client.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    for (Object o : spokes) {
      JsonObject spoke = (JsonObject) o;
      if (spoke.getString("name").startsWith("dev-p")) {
        assertEquals("devpool", spoke.getString("pool"), spoke.encode());
        assertEquals(spoke.getString("name").endsWith("1") ? "a" : "b", spoke.getJsonObject("labels").getString("zone"));
      }
    }
    // two slow calls at once from hub3 land on both members, each on another hub
    List<io.vertx.core.Future<Object>> calls = List.of(
        client.call("/devpool/bash/run", new JsonObject().put("command", "sleep 1; cat who.txt")),
        client.call("/devpool/bash/run", new JsonObject().put("command", "sleep 1; cat who.txt")));
    java.util.Set<String> who = new java.util.HashSet<>();
    for (io.vertx.core.Future<Object> f : calls) {
      who.add(((JsonObject) f.await(20, TimeUnit.SECONDS)).getString("stdout"));
    }
    assertEquals(java.util.Set.of("dev-p1", "dev-p2"), who);
    // a fan-out from hub3 reaches the spokes of the other hubs
    CallStream fan = client.subscribe(new JsonObject().put("operationId", "/hub/fanout").put("input", new JsonObject()
        .put("target", new JsonObject().put("spokes", "dev-p?").put("labels", new JsonObject().put("zone", "b")))
        .put("operation", "/fs/readFile").put("input", new JsonObject().put("path", "who.txt"))), 16);
    List<Object> entries = new CopyOnWriteArrayList<>();
    io.vertx.core.Promise<Void> fanned = io.vertx.core.Promise.promise();
    fan.handler(entries::add).exceptionHandler(fanned::tryFail).endHandler(fanned::tryComplete);
    fanned.future().await(20, TimeUnit.SECONDS);
    assertEquals(1, entries.size(), entries.toString());
    assertEquals("dev-p2", ((JsonObject) entries.get(0)).getString("spoke"));
    assertEquals("dev-p2", ((JsonObject) entries.get(0)).getJsonObject("output").getString("content"));
    // the pool lives on while one member is left
    p1.kill();
    waitUntil(Duration.ofSeconds(10), "hub3 drops dev-p1", () -> !spokesSeenBy(client).containsKey("dev-p1"));
    assertEquals("dev-p2", ((JsonObject) client.call("/devpool/bash/run", new JsonObject().put("command", "cat who.txt"))
        .await(20, TimeUnit.SECONDS)).getString("stdout"));
    p2.kill();
  }

  @Test
  @Order(1)
  void anyHubAnswersForAJobAnotherHubStarted() throws Exception {
    Path r = mesh.root("dev-j");
    JavaProcess spoke = mesh.startSpoke(hub2.url(), "dev-j", spokeKey, r, true);
    CallmeshClient starter = mesh.client(admin, hub1.url());
    waitUntil(Duration.ofSeconds(10), "hub1 lists dev-j", () -> spokesSeenBy(starter).containsKey("dev-j"));
    String job = ((JsonObject) starter.call("/hub/jobs/start", new JsonObject().put("operationId", "/dev-j/bash/exec")
        .put("input", new JsonObject().put("command", "for i in 1 2 3; do echo $i; sleep 0.2; done"))).await())
        .getString("job");
    // another hub of the cluster reads it, watches it to its end, and lists it
    CallmeshClient reader = mesh.client(admin, hub3.url());
    List<Object> outputs = new CopyOnWriteArrayList<>();
    CallStream watch = reader.subscribe(new JsonObject().put("operationId", "/hub/jobs/watch")
        .put("input", new JsonObject().put("job", job)), 16);
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    watch.handler(outputs::add).exceptionHandler(ended::tryFail).endHandler(ended::tryComplete);
    ended.future().await(20, TimeUnit.SECONDS);
    assertEquals(List.of(1L, 2L, 3L, 4L), outputs.stream().map(o -> ((JsonObject) o).getLong("seq")).toList(),
        outputs.toString());
    assertEquals(0, ((JsonObject) outputs.get(3)).getJsonObject("output").getInteger("exitCode"));
    JsonObject got = (JsonObject) reader.call("/hub/jobs/get", new JsonObject().put("job", job)).await();
    assertEquals("completed", got.getString("state"), got.encode());
    JsonArray listed = ((JsonObject) reader.call("/hub/jobs/list", new JsonObject()).await()).getJsonArray("jobs");
    assertTrue(listed.stream().anyMatch(j -> job.equals(((JsonObject) j).getString("job"))), listed.encode());
    // another identity is told there is no such job, on any hub
    CallmeshClient stranger = mesh.client(other, hub3.url());
    CallException hidden = assertThrows(CallException.class,
        () -> stranger.call("/hub/jobs/get", new JsonObject().put("job", job)).await());
    assertEquals("NOT_FOUND", hidden.code());
    // a running job is aborted from a hub that did not start it
    String sleeper = ((JsonObject) starter.call("/hub/jobs/start", new JsonObject().put("operationId", "/dev-j/bash/run")
        .put("input", new JsonObject().put("command", "sleep 30"))).await()).getString("job");
    JsonObject aborted = (JsonObject) mesh.client(admin, hub2.url())
        .call("/hub/jobs/abort", new JsonObject().put("job", sleeper)).await();
    assertEquals("aborted", aborted.getString("state"), aborted.encode());
    assertEquals("aborted", ((JsonObject) reader.call("/hub/jobs/get", new JsonObject().put("job", sleeper)).await())
        .getString("state"));
    spoke.kill();
  }

  @Test
  @Order(2)
  void theSameIdentityTakesANameOverAcrossHubs() throws Exception {
    JavaProcess first = mesh.startSpoke(hub1.url(), "dev2", spokeKey, root, true);
    CallmeshClient client = mesh.client(admin, hub3.url());
    waitUntil(Duration.ofSeconds(10), "hub3 lists dev2 on hub1", () -> "hub1".equals(spokesSeenBy(client).getString("dev2")));
    mesh.startSpoke(hub2.url(), "dev2", spokeKey, root, true);
    assertEquals(3, first.awaitExit(Duration.ofSeconds(15)), "the older spoke was replaced and left");
    waitUntil(Duration.ofSeconds(10), "hub3 lists dev2 on hub2", () -> "hub2".equals(spokesSeenBy(client).getString("dev2")));
    assertTrue(answers(client, "/dev2/fs/stat"));
  }

  @Test
  @Order(3)
  void aHubJoiningLateSeesEverySpokeAndTheMembers() throws Exception {
    Mesh.ClusterHub hub4 = mesh.startClusterHub("hub4", name, hub2.member());
    CallmeshClient client = mesh.client(admin, hub4.url());
    waitUntil(Duration.ofSeconds(10), "hub4 lists dev1 and dev2", () -> {
      JsonObject seen = spokesSeenBy(client);
      return "hub1".equals(seen.getString("dev1")) && "hub2".equals(seen.getString("dev2"));
    });
    assertTrue(answers(client, "/dev1/fs/stat") && answers(client, "/dev2/fs/stat"));
    JsonArray members = ((JsonObject) client.call("/hub/cluster/members", new JsonObject()).await()).getJsonArray("members");
    assertEquals(4, members.size(), members.encode());
    hub4.process().signal("TERM");
    assertEquals(0, hub4.process().awaitExit(Duration.ofSeconds(30)));
  }

  @Test
  @Order(3)
  void aHubWhoseIdIsAMembersRefusesToJoin() throws Exception {
    JavaProcess twin = mesh.startHubJar("hub2-twin", "--listen", "127.0.0.1:0", "--http", "off", "--authorized-keys",
        mesh.keys.toString(), "--hub-id", "hub2", "--cluster", "127.0.0.1:0", "--cluster-name", name,
        "--cluster-peers", hub1.member());
    int exit = twin.awaitExit(Duration.ofSeconds(60));
    assertTrue(exit != 0, "exit " + exit);
    assertTrue(twin.stderr().contains("hub id hub2 is already a member"), twin.stderr());
  }

  @Test
  @Order(4)
  void aHubStoppedWithSigtermMovesItsSpokesAtOnce() throws Exception {
    mesh.startSpoke(hub3.url() + "," + hub2.url(), "dev3", spokeKey, root, true);
    CallmeshClient client = mesh.client(admin, hub2.url());
    waitUntil(Duration.ofSeconds(10), "hub2 lists dev3 on hub3", () -> "hub3".equals(spokesSeenBy(client).getString("dev3")));
    long stopped = System.nanoTime();
    hub3.process().signal("TERM");
    waitUntil(Duration.ofSeconds(10), "dev3 moved to hub2", () -> "hub2".equals(spokesSeenBy(client).getString("dev3"))
        && answers(client, "/dev3/fs/stat"));
    assertEquals(0, hub3.process().awaitExit(Duration.ofSeconds(30)), "a clean exit");
    assertTrue(System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  @Order(5)
  void aHubKilledMidStreamFailsItsCallsAndItsSpokesMove() throws Exception {
    mesh.startSpoke(hub1.url() + "," + hub2.url(), "dev4", spokeKey, root, true);
    CallmeshClient client = mesh.client(admin, hub2.url());
    waitUntil(Duration.ofSeconds(10), "hub2 lists dev4 on hub1", () -> "hub1".equals(spokesSeenBy(client).getString("dev4")));
    AtomicReference<Throwable> failed = new AtomicReference<>();
    List<Object> seen = new CopyOnWriteArrayList<>();
    CallStream stream = client.subscribe("/dev4/bash/exec", new JsonObject().put("command",
        "while true; do echo tick; sleep 0.2; done"));
    stream.handler(seen::add).exceptionHandler(failed::set);
    waitUntil(Duration.ofSeconds(10), "the stream flows", () -> !seen.isEmpty());

    long killed = System.nanoTime();
    hub1.process().kill();
    waitUntil(Duration.ofSeconds(5), "the caller hears UNAVAILABLE", () -> failed.get() != null);
    assertEquals("UNAVAILABLE", ((CallException) failed.get()).code(), failed.get().toString());
    waitUntil(Duration.ofSeconds(10), "dev4 is callable through hub2", () -> answers(client, "/dev4/fs/stat"));
    assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(15));
  }

  @Test
  @Order(6)
  void withTlsCertTheHubsSpeakTlsOnTheEventBusToo() throws Exception {
    Path cert = Certs.selfSigned(mesh.dir, "cluster-hub");
    String key = mesh.dir.resolve("cluster-hub.key").toString();
    String tlsCluster = name + "-tls";
    Mesh.ClusterHub a = mesh.startClusterHub("tls1", tlsCluster, null, "--tls-cert", cert.toString(), "--tls-key", key);
    Mesh.ClusterHub b = mesh.startClusterHub("tls2", tlsCluster, a.member(), "--tls-cert", cert.toString(), "--tls-key", key);
    mesh.startSpoke("tls://127.0.0.1:" + a.port(), "dev5", spokeKey, root, true, "--ca", cert.toString());
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      CallmeshClient client = CallmeshClient.connect(vertx, new dev.callmesh.protocol.client.ConnectOptions()
          .setHubUrl(dev.callmesh.protocol.client.HubUrl.parse("tls://127.0.0.1:" + b.port())).setCaFile(cert)
          .setCredentials(dev.callmesh.protocol.client.Credentials.key(
              dev.callmesh.protocol.auth.SshKeyPair.load(admin, null)))).await();
      waitUntil(Duration.ofSeconds(10), "tls2 lists dev5 on tls1", () -> "tls1".equals(spokesSeenBy(client).getString("dev5")));
      assertTrue(answers(client, "/dev5/fs/stat"), "a call crossed the TLS event bus");
    } finally {
      vertx.close().await();
    }
  }
}
