package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard and the browser client in a real Chromium (Debian's), driven by playwright-core:
 * signed out only the sign-in box shows and nothing throws; sign in with #token=, see the spokes and operations, call one;
 * start it as a job, see its outputs, abort a running job; stream from the module; serve an operation from the browser
 * and call it through the hub; JSON-RPC 2.0 from the page's own WebSocket (auth first, a call, a subscription to its
 * end, 200 kB each way, a normal close).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrowserIT {

  @Test
  void theDashboardAndTheBrowserClientWorkInChromium() throws Exception {
    Path chromium = Tools.require("chromium");
    Path node = Tools.require("node");
    Path npm = Tools.require("npm");
    Path scripts = prepareScripts(npm);
    try (Mesh mesh = new Mesh()) {
      Path spokeKey = mesh.key("dev1");
      mesh.authorize("name=\"dev1\",spoke=\"dev1,dev1-pool\"", spokeKey); // dev1-pool: its pool
      Path admin = mesh.userKey("admin", "/dev1/*,/hub/*,/browser-1/*");
      Path browser = mesh.key("browser");
      mesh.authorize("name=\"browser\",spoke=\"browser-*\"", browser);
      Path root = mesh.root("dev1");
      Files.writeString(root.resolve("README.md"), "# seen in a browser\n");
      mesh.startHub(0);
      mesh.startSpoke("dev1", spokeKey, root,
          java.util.Map.of("CALLMESH_LABELS", "role=ci,region=eu", "CALLMESH_POOL", "dev1-pool"));
      String adminJwt = token(mesh, admin, "token");
      String browserToken = token(mesh, browser, "token", "--offline");

      Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder(node.toString(), "dashboard.mjs").directory(scripts.toFile());
      pb.environment().put("HUB_HTTP", "http://127.0.0.1:" + mesh.httpPort);
      pb.environment().put("ADMIN_TOKEN", adminJwt);
      pb.environment().put("BROWSER_TOKEN", browserToken);
      pb.environment().put("CHROMIUM", chromium.toString());
      pb.environment().put("SHOT", shot.toString());
      Process p = pb.redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(240, TimeUnit.SECONDS));
      String last = out.lines().reduce((a, b) -> b).orElse("");
      JsonObject r = new JsonObject(last);
      assertNull(r.getString("error"), out);

      JsonObject signedOut = r.getJsonObject("signedOut");
      assertEquals(Boolean.TRUE, signedOut.getBoolean("signinVisible"), signedOut.encode());
      assertEquals(Boolean.FALSE, signedOut.getBoolean("appVisible"), "signed out, the panels are hidden: " + signedOut.encode());
      assertEquals(Boolean.FALSE, signedOut.getBoolean("callVisible"), signedOut.encode());
      assertEquals(new JsonArray(), signedOut.getJsonArray("errors"), "signed out, Call and Stream throw nothing");
      assertEquals(new JsonArray(), r.getJsonArray("pageErrors"), "the signed-in dashboard throws nothing");

      assertEquals("signed in as admin", r.getString("status"));
      assertFalse(r.getString("urlAfterSignIn").contains("token"), "the token is cleared from the address bar");
      assertEquals(new JsonArray().add("dev1"), r.getJsonArray("spokes"));
      assertEquals(new JsonArray().add("pool dev1-pool · region=eu · role=ci"), r.getJsonArray("spokeLabels"),
          "the spokes list shows each spoke's pool and labels");
      assertEquals("# seen in a browser\n", r.getJsonObject("callResult").getString("content"));
      assertEquals("/dev1/fs/readFile", r.getJsonObject("schema").getString("name"));
      assertFalse(r.getJsonObject("schema").encode().contains("__absolute_uri__"), "schemas are served as written");
      assertEquals(new JsonArray().add("completed /dev1/fs/readFile"), r.getJsonArray("jobList"), "the job started from the Call panel");
      assertEquals("completed", r.getJsonObject("jobDetail").getString("state"));
      assertEquals("# seen in a browser\n", r.getJsonObject("jobDetail").getJsonArray("outputs").getJsonObject(0).getString("content"));
      assertEquals(new JsonArray().add("aborted").add("completed"), r.getJsonArray("jobStates"), "the running job was aborted");

      JsonObject module = r.getJsonObject("module");
      JsonArray outputs = module.getJsonArray("outputs");
      StringBuilder stdout = new StringBuilder();
      for (int i = 0; i < outputs.size() - 1; i++) {
        assertEquals("stdout", outputs.getJsonObject(i).getString("stream"));
        stdout.append(outputs.getJsonObject(i).getString("data"));
      }
      assertEquals("one\ntwo\n", stdout.toString());
      assertEquals(new JsonObject().put("exitCode", 0), outputs.getJsonObject(outputs.size() - 1));
      assertEquals(new JsonArray().add("/browser-1/notify/alert"), module.getJsonArray("listed"));
      assertEquals(new JsonObject().put("shown", true), module.getJsonObject("answer"));
      assertEquals(new JsonArray().add("hello browser"), module.getJsonArray("alerts"));
      assertEquals("NOT_FOUND", module.getString("missing"));
      assertTrue(Files.size(shot) > 10_000, "a screenshot of the dashboard was taken");

      JsonObject rpc = r.getJsonObject("jsonrpc");
      assertEquals("UNAUTHENTICATED", rpc.getString("before"), "before auth.authenticate: " + rpc.encode());
      assertEquals("admin", rpc.getString("identity"));
      assertEquals("# seen in a browser\n", rpc.getString("content"));
      JsonArray rpcOutputs = rpc.getJsonArray("outputs");
      assertEquals(new JsonObject().put("exitCode", 0), rpcOutputs.getJsonObject(rpcOutputs.size() - 1), rpc.encode());
      assertEquals("subscription.completed", rpc.getString("end"));
      assertEquals(Boolean.TRUE, rpc.getBoolean("sameSubscription"));
      assertEquals(200_000, rpc.getInteger("bigWritten"), "a 200 kB message from the browser: " + rpc.encode());
      assertEquals(200_000, rpc.getInteger("bigRead"), "and a 200 kB answer to it");
      assertEquals(1000, rpc.getInteger("closeCode"));
    }
  }

  private static String token(Mesh mesh, Path key, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString()));
    all.addAll(List.of(args));
    Mesh.CliResult r = mesh.cli(all.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  /** Copies the scripts to target/browser and installs playwright-core there once (from the npm registry). */
  private static Path prepareScripts(Path npm) throws Exception {
    Path src = Path.of("src", "test", "browser");
    Path dir = Files.createDirectories(Path.of("target", "browser"));
    for (String f : List.of("package.json", "dashboard.mjs")) {
      Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("playwright-core"))) {
      Process p = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "npm install failed: " + out);
    }
    return dir;
  }
}
