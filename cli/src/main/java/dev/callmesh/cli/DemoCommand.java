package dev.callmesh.cli;

import dev.callmesh.hub.Hub;
import dev.callmesh.hub.HubOptions;
import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.HostPort;
import dev.callmesh.spoke.Spoke;
import dev.callmesh.spoke.SpokeOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code callmesh demo}: a hub and a spoke {@code local} in one process, a few calls, then left running. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs a hub and a spoke on the current directory in one process, to try callmesh.",
        "The spoke is named 'local' and serves fs, bash and search; the keys are fresh ones, in a",
        "temporary directory deleted when the demo stops. It shows a few calls, then keeps running",
        "for you to try more from another terminal, with the commands it prints. Ctrl-C stops it."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Where the demo hub listens (default 127.0.0.1:7400, or a free port if that is taken)")
  String listen;

  @Option(names = "--exit", description = "Exit after the demo calls instead of staying up")
  boolean exit;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("callmesh-demo-");
    // The keys live only as long as the demo: removed on every way out, SIGINT and SIGTERM included.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "callmesh-demo-cleanup"));
    try {
      return run(dir);
    } finally {
      deleteTree(dir);
    }
  }

  private Integer run(Path dir) throws Exception {
    SshKeyPair spokeKey = SshKeyPair.generate();
    SshKeyPair you = SshKeyPair.generate();
    Path yourKey = dir.resolve("you");
    you.writeOpenSsh(yourKey, "you@demo");
    Path keys = dir.resolve("authorized_keys");
    Files.writeString(keys,
        "name=\"local-spoke\",spoke=\"local\" " + spokeKey.publicKey().toOpenSsh("local-spoke") + "\n"
            + "name=\"you\",allow=\"/local/*,/hub/*\" " + you.publicKey().toOpenSsh("you@demo") + "\n");

    Vertx vertx = Vertx.vertx();
    Hub hub = startHub(vertx, keys);
    HubUrl url = HubUrl.parse("tcp://127.0.0.1:" + hub.port());
    Path root = Path.of("").toAbsolutePath();
    Spoke spoke = Spoke.create(vertx, new SpokeOptions().setHubUrl(url).setName("local").setRoot(root), spokeKey);
    spoke.start().await();
    CallmeshClient client = CallmeshClient.connect(vertx,
        new ConnectOptions().setHubUrl(url).setCredentials(Credentials.key(you))).await();

    System.out.println("callmesh demo: hub on " + url + ", spoke 'local' serving " + root);
    String dashboard = "http://127.0.0.1:" + hub.httpPort() + "/";
    show("$ callmesh services", summary(client.call("/services/list", new JsonObject()).await()));
    show("$ callmesh call /local/fs/list '{\"path\":\".\"}'",
        firstEntries(client.call("/local/fs/list", new JsonObject().put("path", ".")).await()));
    String sample = Files.exists(root.resolve("README.md")) ? "README.md" : null;
    if (sample != null) {
      JsonObject stat = (JsonObject) client.call("/local/fs/stat", new JsonObject().put("path", sample)).await();
      show("$ callmesh call /local/fs/stat '{\"path\":\"" + sample + "\"}'", stat.encodePrettily());
    }
    JsonObject run = (JsonObject) client.call("/local/bash/run", new JsonObject().put("command", "uname -sr")).await();
    show("$ callmesh call /local/bash/run '{\"command\":\"uname -sr\"}'", run.encodePrettily());
    client.close().await();

    String cli = CliLauncher.command() + " --hub " + url + " --key " + CliLauncher.quote(yourKey.toString());
    System.out.println();
    System.out.println("Try it from another terminal:");
    System.out.println("  " + cli + " services");
    System.out.println("  " + cli + " call /local/fs/readFile '{\"path\":\"README.md\"}'");
    System.out.println("  " + cli + " stream /local/bash/exec '{\"command\":\"for i in 1 2 3; do date; sleep 1; done\"}'");
    System.out.println("  " + cli + " stream /local/search/grep '{\"pattern\":\"TODO\",\"maxResults\":10}'");
    System.out.println("  " + cli + " spokes");
    System.out.println();
    System.out.println("The dashboard: " + dashboard + "  (sign in with the token from: " + cli + " token)");
    if (exit) {
      spoke.close().compose(v -> hub.close()).compose(v -> vertx.close()).await();
      return 0;
    }
    System.out.println("Your key is " + yourKey + "; it is deleted when the demo stops.");
    System.out.println("Ctrl-C stops the demo.");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        spoke.close().compose(v -> hub.close()).compose(v -> vertx.close()).await();
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  /** Starts the hub on the usual ports, or on free ones where those are taken (or --listen is given). */
  private Hub startHub(Vertx vertx, Path keys) throws Exception {
    HubOptions options = new HubOptions().setAuthorizedKeys(keys).setHubId("demo");
    if (listen != null) {
      HostPort tcp = HostPort.parse(listen);
      return Hub.create(vertx, options.setListen(tcp).setHttp(new HostPort(tcp.host(), 0))).start().await();
    }
    try {
      return Hub.create(vertx, options.setListen(HostPort.parse(HubOptions.DEFAULT_LISTEN))
          .setHttp(HostPort.parse(HubOptions.DEFAULT_HTTP))).start().await();
    } catch (Exception busy) {
      return Hub.create(vertx, options.setListen(new HostPort("127.0.0.1", 0)).setHttp(new HostPort("127.0.0.1", 0)))
          .start().await();
    }
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // deleted already
    } catch (java.io.IOException e) {
      System.err.println("callmesh demo: could not delete " + dir + ": " + e.getMessage());
    }
  }

  private static void show(String command, String result) {
    System.out.println();
    System.out.println(command);
    System.out.println(result);
  }

  private static String summary(Object out) {
    StringBuilder sb = new StringBuilder();
    JsonArray ops = ((JsonObject) out).getJsonArray("operations");
    for (int i = 0; i < ops.size(); i++) {
      JsonObject o = ops.getJsonObject(i);
      String description = o.getString("description", "");
      int stop = description.indexOf(". ");
      sb.append(String.format("  %-24s %-12s %s%n", o.getString("name"), o.getString("opType"),
          stop < 0 ? description : description.substring(0, stop + 1)));
    }
    return sb.toString().stripTrailing();
  }

  private static String firstEntries(Object out) {
    JsonArray entries = ((JsonObject) out).getJsonArray("entries");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, entries.size()); i++) {
      JsonObject e = entries.getJsonObject(i);
      sb.append(String.format("  %-10s %10s  %s%n", e.getString("type"), e.getValue("size"), e.getString("path")));
    }
    if (entries.size() > 8) {
      sb.append("  ... ").append(entries.size() - 8).append(" more");
    }
    return sb.toString().stripTrailing();
  }
}
