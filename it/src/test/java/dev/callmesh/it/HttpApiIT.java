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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP API (README) with real curl against the hub and spoke jars. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpApiIT {

  static Mesh mesh;
  static Path admin;
  static Path reader;
  static CallmeshClient client;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.userKey("admin", "/dev1/*,/dev9/*,/hub/*");
    reader = mesh.userKey("reader", "/*/fs/read*");
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "# served over HTTP\n");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    client = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (Mesh.inFlight(client).get("dev1") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(client));
  }

  private static String cliOut(Path key, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString()));
    all.addAll(List.of(args));
    Mesh.CliResult r = mesh.cli(all.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  /** The result of one curl run: HTTP status and body. */
  record Http(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Http curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("curl").toString(), "-s", "--max-time", "30", "-w", "\n%{http_code}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "curl failed: " + new String(p.getErrorStream().readAllBytes()));
    int nl = out.lastIndexOf('\n');
    return new Http(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + mesh.httpPort + path;
  }

  @Test
  void curlWithAnOfflineTokenReadsAFileAndErrorsHaveTheirStatuses() throws Exception {
    String token = cliOut(admin, "token", "--offline");
    Http ok = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(200, ok.status(), ok.body());
    assertEquals("# served over HTTP\n", ok.json().getJsonObject("output").getString("content"));

    Http none = curl("-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(401, none.status());
    assertEquals("UNAUTHENTICATED", none.json().getJsonObject("error").getString("code"));

    String readerToken = cliOut(reader, "token", "--offline");
    Http forbidden = curl("-H", "Authorization: Bearer " + readerToken, "-d", "{\"path\":\"x\",\"content\":\"x\"}",
        url("/v1/call/dev1/fs/writeFile"));
    assertEquals(403, forbidden.status(), forbidden.body());

    Http absent = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\"x\"}", url("/v1/call/dev9/fs/readFile"));
    assertEquals(503, absent.status(), absent.body());
    assertTrue(absent.json().getJsonObject("error").getBoolean("retryable"));

    Http bad = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":42}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(400, bad.status(), bad.body());
    assertEquals("/path", bad.json().getJsonObject("error").getJsonObject("details").getString("path"));

    Http notJson = curl("-H", "Authorization: Bearer " + token, "-d", "{nope", url("/v1/call/dev1/fs/readFile"));
    assertEquals(400, notJson.status(), notJson.body());

    Http missing = curl("-H", "Authorization: Bearer " + token, "-d", "{}", url("/v1/call/dev1/fs/nosuch"));
    assertEquals(404, missing.status(), missing.body());
  }

  @Test
  void theFsCodesHaveTheirOwnStatuses() throws Exception {
    String token = cliOut(admin, "token", "--offline");
    Http notFound = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\"nope.txt\"}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(404, notFound.status(), notFound.body());
    assertEquals("FILE_NOT_FOUND", notFound.json().getJsonObject("error").getString("code"));
    Http exists = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/mkdir"));
    assertEquals(409, exists.status(), exists.body());
    assertEquals("FILE_EXISTS", exists.json().getJsonObject("error").getString("code"));
    Http isDir = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\".\",\"content\":\"x\"}",
        url("/v1/call/dev1/fs/writeFile"));
    assertEquals(400, isDir.status(), isDir.body());
    assertEquals("IS_A_DIRECTORY", isDir.json().getJsonObject("error").getString("code"));
    Http notDir = curl("-H", "Authorization: Bearer " + token, "-d", "{\"path\":\"README.md/x\",\"content\":\"x\"}",
        url("/v1/call/dev1/fs/writeFile"));
    assertEquals(400, notDir.status(), notDir.body());
    assertEquals("NOT_A_DIRECTORY", notDir.json().getJsonObject("error").getString("code"));
  }

  @Test
  void everyV1ErrorIsJsonAndAWrongMethodSays405WithAllow() throws Exception {
    Http get = curl("-D", "-", url("/v1/call/dev1/fs/readFile"));
    assertEquals(405, get.status(), get.body());
    assertTrue(get.body().toLowerCase().contains("\nallow: post"), get.body());
    assertJsonError(get, "INVALID_INPUT");
    Http delete = curl("-D", "-", "-X", "DELETE", url("/v1/services"));
    assertEquals(405, delete.status(), delete.body());
    assertTrue(delete.body().toLowerCase().contains("\nallow: get"), delete.body());
    assertJsonError(delete, "INVALID_INPUT");
    Http unknown = curl("-D", "-", url("/v1/nosuch/endpoint"));
    assertEquals(404, unknown.status(), unknown.body());
    assertJsonError(unknown, "NOT_FOUND");
    Http unknownPost = curl("-D", "-", "-d", "{}", url("/v1/nosuch"));
    assertEquals(404, unknownPost.status(), unknownPost.body());
    assertJsonError(unknownPost, "NOT_FOUND");
  }

  /** @param withHeaders a curl answer with -D - (headers, a blank line, the body) */
  private static void assertJsonError(Http withHeaders, String code) {
    String text = withHeaders.body();
    assertTrue(text.toLowerCase().contains("content-type: application/json"), text);
    JsonObject error = new JsonObject(text.substring(text.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
    assertEquals(code, error.getString("code"), text);
    assertTrue(error.getString("message") != null && error.getValue("retryable") instanceof Boolean, text);
  }

  @Test
  void theDashboardIsRevalidatedNotKeptForADay() throws Exception {
    Http head = curl("-D", "-", "-o", "/dev/null", url("/app.js"));
    assertEquals(200, head.status(), head.body());
    String headers = head.body().toLowerCase();
    assertFalse(headers.contains("immutable"), headers);
    assertTrue(headers.contains("cache-control: no-cache"), headers);
    String lastModified = head.body().lines().filter(l -> l.toLowerCase().startsWith("last-modified:"))
        .findFirst().orElseThrow(() -> new AssertionError("no Last-Modified: " + headers));
    Http again = curl("-o", "/dev/null", "-H", "If-Modified-Since: " + lastModified.substring(14).trim(), url("/app.js"));
    assertEquals(304, again.status(), "a browser's revalidation of an unchanged file");
    assertTrue(curl("-D", "-", "-o", "/dev/null", url("/")).body().toLowerCase().contains("cache-control: no-cache"));
  }

  @Test
  void discoveryEndpoints() throws Exception {
    String token = cliOut(admin, "token", "--offline");
    Http services = curl("-H", "Authorization: Bearer " + token, url("/v1/services?spoke=dev1"));
    assertEquals(200, services.status(), services.body());
    assertTrue(services.body().contains("/dev1/fs/readFile"));
    Http schema = curl("-H", "Authorization: Bearer " + token, url("/v1/services/schema?name=/dev1/fs/stat"));
    assertEquals("/dev1/fs/stat", schema.json().getJsonObject("output").getString("name"));
    Http spokes = curl("-H", "Authorization: Bearer " + token, url("/v1/spokes"));
    assertEquals("dev1", spokes.json().getJsonObject("output").getJsonArray("spokes").getJsonObject(0).getString("name"));
    assertEquals(200, curl(url("/healthz")).status());
    assertEquals(200, curl(url("/readyz")).status());
  }

  @Test
  void aJwtFromTheHubWorksAndTamperedOrExpiredOnesDoNot() throws Exception {
    String offline = cliOut(admin, "token", "--offline");
    Http issued = curl("-X", "POST", "-H", "Authorization: Bearer " + offline, "-d", "{\"ttlSeconds\":60}", url("/v1/auth/token"));
    assertEquals(200, issued.status(), issued.body());
    String jwt = issued.json().getString("token");
    assertEquals(60, issued.json().getInteger("expiresIn"));
    Http ok = curl("-H", "Authorization: Bearer " + jwt, "-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/stat"));
    assertEquals(200, ok.status(), ok.body());

    String[] parts = jwt.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("admin", "root");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
    assertEquals(401, curl("-H", "Authorization: Bearer " + tampered, "-d", "{}", url("/v1/call/dev1/fs/stat")).status());

    String shortLived = cliOut(admin, "token", "--ttl", "1s");
    Thread.sleep(2100);
    assertEquals(401, curl("-H", "Authorization: Bearer " + shortLived, "-d", "{}", url("/v1/call/dev1/fs/stat")).status());
    assertEquals(401, curl("-X", "POST", "-H", "Authorization: Bearer " + jwt, url("/v1/auth/token")).status(),
        "a JWT does not buy a fresh JWT");
    assertFalse(mesh.hub.stderr().contains(jwt) || mesh.hub.stderr().contains(offline), "a token reached the hub's log");
  }

  @Test
  void aScopedTokenCallsOnlyWhatBothItsScopeAndItsKeyAllow() throws Exception {
    String scoped = cliOut(admin, "token", "--allow", "/dev1/fs/stat,/dev9/*");
    Http stat = curl("-H", "Authorization: Bearer " + scoped, "-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/stat"));
    assertEquals(200, stat.status(), stat.body());
    Http read = curl("-H", "Authorization: Bearer " + scoped, "-d", "{\"path\":\"README.md\"}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(403, read.status(), "outside the token's scope: " + read.body());
    Http services = curl("-H", "Authorization: Bearer " + scoped, url("/v1/services?spoke=dev1"));
    assertEquals(200, services.status(), services.body());
    assertEquals(1, services.json().getJsonObject("output").getJsonArray("operations").size(),
        "only /dev1/fs/stat is listed: " + services.body());

    String offline = cliOut(admin, "token", "--offline");
    Http issued = curl("-X", "POST", "-H", "Authorization: Bearer " + offline, "-d", "{\"allow\":[\"/dev1/fs/read*\"]}",
        url("/v1/auth/token"));
    assertEquals(200, issued.status(), issued.body());
    String reading = issued.json().getString("token");
    assertEquals(200, curl("-H", "Authorization: Bearer " + reading, "-d", "{\"path\":\"README.md\"}",
        url("/v1/call/dev1/fs/readFile")).status());
    assertEquals(403, curl("-H", "Authorization: Bearer " + reading, "-d", "{\"path\":\"README.md\"}",
        url("/v1/call/dev1/fs/stat")).status());
    Http bad = curl("-X", "POST", "-H", "Authorization: Bearer " + offline, "-d", "{\"allow\":[\"dev1\"]}", url("/v1/auth/token"));
    assertEquals(400, bad.status(), "a pattern that is not a path: " + bad.body());
  }

  @Test
  void curlNShowsStreamEventsAsTheyComeAndKillingCurlKillsTheProcess() throws Exception {
    String token = cliOut(admin, "token", "--offline");
    Process curl = new ProcessBuilder(Tools.require("curl").toString(), "-sN", "-H", "Authorization: Bearer " + token,
        "-d", "{\"command\":\"echo first; sleep 4245\"}", url("/v1/stream/dev1/bash/exec")).start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      String event = null;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "responded".equals(event)) {
          assertEquals(new JsonObject().put("stream", "stdout").put("data", "first\n"), new JsonObject(line.substring(6)));
          break; // seen while the command still runs
        }
      }
      assertTrue(line != null, "the stream ended without the first event");
      Procs.awaitPresent("(.*/)?sleep 4245");
      curl.destroyForcibly();
      curl.waitFor();
      long gone = Procs.millisUntilGone("(.*/)?sleep 4245", 3000);
      assertTrue(gone >= 0, "sleep 4245 survived curl's death");
    }
  }
}
