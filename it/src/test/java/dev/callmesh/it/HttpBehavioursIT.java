package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The HTTP API's behaviours (README, "HTTP API") with real curl against the hub and spoke jars: HTTP/2 in clear
 * text, compression both ways and the decompressed body limit, X-Request-Id and traceparent, 406 and 415,
 * MessagePack bodies and answers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpBehavioursIT {

  static Mesh mesh;
  static Path root;
  static String token;
  static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path admin = mesh.userKey("admin", "/dev1/*,/hub/*");
    root = mesh.root("dev1");
    Files.writeString(root.resolve("small.txt"), "small\n");
    Files.writeString(root.resolve("large.txt"), "callmesh compresses this line\n".repeat(1000));
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    Mesh.CliResult t = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", admin.toString(), "token", "--offline");
    assertEquals(0, t.exit(), t.err());
    token = t.out().trim();
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  static String url(String path) {
    return "http://127.0.0.1:" + mesh.httpPort + path;
  }

  /** curl with the token and the extra arguments, POSTing the JSON body to the path. */
  static Curl.Answer post(String path, String json, String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("-H", "Authorization: Bearer " + token, "-H",
        "Content-Type: application/json", "--data-binary", json));
    args.addAll(List.of(extra));
    args.add(url(path));
    return Curl.run(mesh.dir, args.toArray(String[]::new));
  }

  @Test
  void http2InClearTextByPriorKnowledgeAndByUpgradeWhileHttp11KeepsWorking() throws Exception {
    Curl.Answer prior = post("/v1/call/dev1/fs/readFile", "{\"path\":\"small.txt\"}", "--http2-prior-knowledge");
    assertEquals("2", prior.version());
    assertEquals(200, prior.status(), prior.text());
    assertEquals("small\n", prior.json().getJsonObject("output").getString("content"));
    Curl.Answer upgraded = Curl.run(mesh.dir, "--http2", "-H", "Authorization: Bearer " + token, url("/v1/spokes"));
    assertEquals("2", upgraded.version(), "curl --http2 upgrades a clear-text GET with Upgrade: h2c");
    assertEquals(200, upgraded.status(), upgraded.text());
    Curl.Answer old = post("/v1/call/dev1/fs/readFile", "{\"path\":\"small.txt\"}", "--http1.1");
    assertEquals("1.1", old.version());
    assertEquals(200, old.status(), old.text());
    Curl.Answer stream = post("/v1/stream/dev1/bash/exec", "{\"command\":\"echo over-h2\"}", "--http2-prior-knowledge");
    assertEquals("2", stream.version());
    assertTrue(stream.text().contains("over-h2") && stream.text().contains("event: completed"), stream.text());
  }

  @Test
  void answersOver1KiBAreCompressedAsAcceptEncodingAllowsAndStreamsAreNot() throws Exception {
    String expected = Files.readString(root.resolve("large.txt"));
    Curl.Answer gzip = post("/v1/call/dev1/fs/readFile", "{\"path\":\"large.txt\"}", "--compressed");
    assertEquals(200, gzip.status());
    assertEquals("gzip", gzip.header("Content-Encoding"));
    assertEquals(expected, gzip.json().getJsonObject("output").getString("content"), "curl decoded the gzip body");
    Curl.Answer deflate = post("/v1/call/dev1/fs/readFile", "{\"path\":\"large.txt\"}", "-H", "Accept-Encoding: deflate");
    assertEquals("deflate", deflate.header("Content-Encoding"));
    assertTrue(deflate.body().length < expected.length() / 5, "compressed: " + deflate.body().length);
    Curl.Answer plain = post("/v1/call/dev1/fs/readFile", "{\"path\":\"large.txt\"}");
    assertNull(plain.header("Content-Encoding"), "not asked for");
    assertEquals(expected, plain.json().getJsonObject("output").getString("content"));
    Curl.Answer small = post("/v1/call/dev1/fs/readFile", "{\"path\":\"small.txt\"}", "--compressed", "--http1.1");
    assertNull(small.header("Content-Encoding"), "under 1 KiB: sent as it is");
    Curl.Answer stream = post("/v1/stream/dev1/bash/exec", "{\"command\":\"seq 1 2000\"}", "--compressed", "--http1.1");
    assertNull(stream.header("Content-Encoding"), "an event stream is never compressed");
    assertTrue(stream.text().contains("event: completed"), stream.text());
  }

  @Test
  void gzipAndDeflateBodiesAreReadAndAGzipBombIsRefusedPastTheLimit() throws Exception {
    Path gz = mesh.dir.resolve("body.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("{\"path\":\"small.txt\"}".getBytes(StandardCharsets.UTF_8));
    }
    Curl.Answer gzip = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Encoding: gzip",
        "--data-binary", "@" + gz, url("/v1/call/dev1/fs/readFile"));
    assertEquals(200, gzip.status(), gzip.text());
    assertEquals("small\n", gzip.json().getJsonObject("output").getString("content"));
    Path zlib = mesh.dir.resolve("body.json.zz");
    try (OutputStream out = new DeflaterOutputStream(Files.newOutputStream(zlib))) {
      out.write("{\"path\":\"small.txt\"}".getBytes(StandardCharsets.UTF_8));
    }
    Curl.Answer deflate = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Encoding: deflate",
        "-H", "Content-Type: application/json", "--data-binary", "@" + zlib, url("/v1/call/dev1/fs/readFile"));
    assertEquals(200, deflate.status(), deflate.text());

    // 64 MiB of zeros in about 64 KB: past the 16 MiB body limit once decompressed
    Path bomb = mesh.dir.resolve("bomb.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
    }
    assertTrue(Files.size(bomb) < 200_000, "compressed: " + Files.size(bomb));
    Curl.Answer refused = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Encoding: gzip",
        "--data-binary", "@" + bomb, url("/v1/call/dev1/fs/readFile"));
    assertEquals(413, refused.status(), refused.text());
    assertEquals("RESOURCE_EXHAUSTED", refused.errorCode());
    assertTrue(refused.json().getJsonObject("error").getString("message").contains("decompressed"), refused.text());
    assertEquals(200, Curl.run(mesh.dir, url("/healthz")).status(), "the hub is still well");

    // curl -d's default Content-Type: a JSON body over 8 KiB is read as JSON, not refused as a form
    String big = new JsonObject().put("path", "big.txt").put("content", "x".repeat(20_000)).encode();
    Curl.Answer form = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-d", big,
        url("/v1/call/dev1/fs/writeFile"));
    assertEquals(200, form.status(), form.text());
    assertEquals(20_000, Files.size(root.resolve("big.txt")));
  }

  @Test
  void xRequestIdIsEchoedOrMadeUpOnEveryResponseAndShowsInTheAuditLine() throws Exception {
    Curl.Answer echoed = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "X-Request-Id: it-req:42.a_b-c");
    assertEquals(200, echoed.status());
    assertEquals("it-req:42.a_b-c", echoed.header("X-Request-Id"));
    String audit = mesh.hub.awaitErrLine(l -> l.contains("call id=it-req:42.a_b-c "), Duration.ofSeconds(10));
    assertTrue(audit.contains("op=/dev1/fs/stat") && audit.contains("transport=http"), audit);

    Curl.Answer madeUp = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}");
    assertTrue(madeUp.header("X-Request-Id").matches("[0-9a-f]{32}"), madeUp.headers().toString());
    String id = madeUp.header("X-Request-Id");
    mesh.hub.awaitErrLine(l -> l.contains("call id=" + id + " "), Duration.ofSeconds(10));
    for (String bad : new String[] {"has space", "x".repeat(129), "semi;colon"}) {
      Curl.Answer replaced = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "X-Request-Id: " + bad);
      assertTrue(replaced.header("X-Request-Id").matches("[0-9a-f]{32}"), bad + " -> " + replaced.header("X-Request-Id"));
    }
    Curl.Answer longest = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "X-Request-Id: " + "y".repeat(128));
    assertEquals("y".repeat(128), longest.header("X-Request-Id"));

    Path bomb = mesh.dir.resolve("bomb-20m.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
      out.write(new byte[20 << 20]);
    }
    Map<String, Curl.Answer> others = new LinkedHashMap<>();
    others.put("401", Curl.run(mesh.dir, "-d", "{}", "-H", "X-Request-Id: r-401", url("/v1/call/dev1/fs/stat")));
    others.put("404 v1", Curl.run(mesh.dir, "-H", "X-Request-Id: r-404", url("/v1/nosuch")));
    others.put("404 file", Curl.run(mesh.dir, "-H", "X-Request-Id: r-404f", url("/nosuch.html")));
    others.put("static", Curl.run(mesh.dir, "-H", "X-Request-Id: r-app", url("/app.js")));
    others.put("healthz", Curl.run(mesh.dir, "-H", "X-Request-Id: r-h", url("/healthz")));
    others.put("metrics", Curl.run(mesh.dir, "-H", "X-Request-Id: r-m", url("/metrics")));
    others.put("413", Curl.run(mesh.dir, "-H", "X-Request-Id: r-413", "-H", "Authorization: Bearer " + token,
        "-H", "Content-Encoding: gzip", "--data-binary", "@" + bomb, url("/v1/call/dev1/fs/stat")));
    assertEquals(List.of("r-401", "r-404", "r-404f", "r-app", "r-h", "r-m", "r-413"),
        others.values().stream().map(a -> a.header("X-Request-Id")).toList(), others.toString());
    assertEquals(List.of(401, 404, 404, 200, 200, 200, 413), others.values().stream().map(Curl.Answer::status).toList());
  }

  @Test
  void callAnswersCarryTheCallsTraceparentContinuingTheClients() throws Exception {
    Curl.Answer fresh = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}");
    String tp = fresh.header("traceparent");
    assertTrue(tp != null && tp.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), fresh.headers().toString());
    String traceId = tp.substring(3, 35);
    mesh.hub.awaitErrLine(l -> l.contains("call id=" + fresh.header("X-Request-Id") + " ") && l.contains("trace=" + traceId),
        Duration.ofSeconds(10));
    String client = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Curl.Answer continued = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "traceparent: " + client);
    String answered = continued.header("traceparent");
    assertTrue(answered.startsWith("00-0af7651916cd43dd8448eb211c80319c-"), answered);
    assertNotEquals(client, answered, "the hub's own span, a child of the client's");
    Curl.Answer stream = post("/v1/stream/dev1/bash/exec", "{\"command\":\"true\"}", "-H", "traceparent: " + client);
    assertTrue(stream.header("traceparent").startsWith("00-0af7651916cd43dd8448eb211c80319c-"), stream.headers().toString());
  }

  @Test
  void anAcceptItCannotProduceIs406AndABodyItCannotReadIs415() throws Exception {
    for (String accept : new String[] {"text/html", "application/xml", "application/json;q=0"}) {
      Curl.Answer a = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "Accept: " + accept);
      assertEquals(406, a.status(), accept + ": " + a.text());
      assertEquals("INVALID_INPUT", a.errorCode());
    }
    for (String accept : new String[] {"*/*", "application/json", "application/*", "text/event-stream, */*;q=0.1"}) {
      assertEquals(200, post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "Accept: " + accept).status(), accept);
    }
    assertEquals(406, Curl.run(mesh.dir, "-H", "Accept: image/png", "-H", "Authorization: Bearer " + token,
        url("/v1/services")).status());
    for (String type : new String[] {"application/xml", "multipart/form-data; boundary=x", "image/png"}) {
      Curl.Answer a = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Type: " + type,
          "--data-binary", "{\"path\":\"small.txt\"}", url("/v1/call/dev1/fs/stat"));
      assertEquals(415, a.status(), type + ": " + a.text());
      assertEquals("INVALID_INPUT", a.errorCode());
    }
    Curl.Answer br = post("/v1/call/dev1/fs/stat", "{\"path\":\"small.txt\"}", "-H", "Content-Encoding: br");
    assertEquals(415, br.status(), "a content coding it does not read");
  }

  @Test
  void messagePackBodiesAreReadAndAnswersWrittenWithBinAsBase64() throws Exception {
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7);
    }
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("path", "bin.dat");
    input.put("content", bytes); // a MessagePack bin value: base64 on the JSON side, as encoding says
    input.put("encoding", "base64");
    Path body = mesh.dir.resolve("write.msgpack");
    Files.write(body, MSGPACK.writeValueAsBytes(input));
    Curl.Answer written = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/msgpack",
        "-H", "Accept: application/msgpack", "--data-binary", "@" + body, url("/v1/call/dev1/fs/writeFile"));
    assertEquals(200, written.status(), written.text());
    assertEquals("application/msgpack", written.header("Content-Type"));
    JsonNode answer = MSGPACK.readTree(written.body());
    assertEquals(300, answer.get("output").get("size").asInt(), answer.toString());
    assertArrayEquals(bytes, Files.readAllBytes(root.resolve("bin.dat")));

    Files.write(body, MSGPACK.writeValueAsBytes(Map.of("path", "bin.dat", "encoding", "base64")));
    Curl.Answer read = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/msgpack",
        "-H", "Accept: application/msgpack", "--data-binary", "@" + body, url("/v1/call/dev1/fs/readFile"));
    JsonNode content = MSGPACK.readTree(read.body()).get("output").get("content");
    assertArrayEquals(bytes, Base64.getDecoder().decode(content.asText()));

    Curl.Answer missing = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Accept: application/msgpack",
        "-H", "Content-Type: application/json", "--data-binary", "{\"path\":\"nope\"}", url("/v1/call/dev1/fs/readFile"));
    assertEquals(404, missing.status());
    assertEquals("FILE_NOT_FOUND", MSGPACK.readTree(missing.body()).get("error").get("code").asText(), "errors too");

    Path bad = mesh.dir.resolve("bad.msgpack");
    Files.write(bad, new byte[] {(byte) 0x82, (byte) 0xc1});
    Curl.Answer refused = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/msgpack",
        "--data-binary", "@" + bad, url("/v1/call/dev1/fs/readFile"));
    assertEquals(400, refused.status(), refused.text());
    assertEquals("INVALID_INPUT", refused.errorCode());
  }
}
