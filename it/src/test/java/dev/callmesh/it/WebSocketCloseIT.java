package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * WebSocket close codes on /v1/ws and /v1/jsonrpc as a client sees them, after the bye or auth.denied that
 * explains (3000, 3003, 1008, 1009, 1000, 1001), and MessagePack binary messages on both sockets.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebSocketCloseIT {

  static Mesh mesh;
  static Vertx vertx;
  static String admin;
  static String web1;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path adminKey = mesh.userKey("admin", "/dev1/*,/hub/*");
    Path web1Key = mesh.spokeKey("web1");
    mesh.startHub(0, "--max-frame-bytes", "65536", "--handshake-timeout", "2s");
    mesh.startSpoke("dev1", spokeKey, mesh.root("dev1"));
    admin = ItTokens.offline(mesh, adminKey);
    web1 = ItTokens.offline(mesh, web1Key);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
    mesh.close();
  }

  static String withToken(String path, String token) {
    return path + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  static JsonObject envelope(String type, String id, JsonObject payload) {
    return new JsonObject().put("type", type).put("id", id).put("payload", payload);
  }

  /** @return a /v1/ws connection through the handshake (auth.hello with the URL's token and the payload) */
  static WsPeer ws(String token, JsonObject hello, String expected) throws Exception {
    WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/ws", token));
    assertEquals("auth.challenge", ((JsonObject) ws.nextJson()).getString("type"));
    ws.send(envelope("auth.hello", "", hello).encode());
    JsonObject answer = (JsonObject) ws.nextJson();
    assertEquals(expected, answer.getString("type"), answer.encode());
    return ws;
  }

  /** @return a /v1/ws connection welcomed with the token, once the hub has read the key just added for it */
  static WsPeer welcomedOnceLoaded(String token) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/ws", token));
      assertEquals("auth.challenge", ((JsonObject) ws.nextJson()).getString("type"));
      ws.send(envelope("auth.hello", "", new JsonObject()).encode());
      JsonObject answer = (JsonObject) ws.nextJson();
      if (answer.getString("type").equals("auth.welcome")) {
        return ws;
      }
      ws.close();
      assertTrue(System.nanoTime() < deadline, "the hub never took the new key: " + answer.encode());
      Thread.sleep(100); // authorized_keys is reloaded when the file changes, a moment after
    }
  }

  static void assertClosed(WsPeer ws, int code) throws InterruptedException {
    assertTrue(ws.closesWithin(5000), "not closed");
    assertEquals((short) code, ws.closeCode(), "reason: " + ws.closeReason());
  }

  static JsonObject lastEnvelope(WsPeer ws) throws InterruptedException {
    JsonObject e = (JsonObject) ws.nextJson();
    assertNotNull(e);
    return e;
  }

  @Test
  void aBadTokenIs3000AfterAuthDenied() throws Exception {
    try (WsPeer ws = ws("not-a-token", new JsonObject(), "auth.denied")) {
      assertClosed(ws, 3000);
    }
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/jsonrpc", "not-a-token"))) {
      assertClosed(rpc, 3000);
      assertTrue(rpc.closeReason().length() > 5, "the reason says why");
    }
  }

  @Test
  void aHandshakeThatTimesOutIs3000() throws Exception {
    try (WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, "/v1/ws")) {
      assertEquals("auth.challenge", ((JsonObject) ws.nextJson()).getString("type"));
      JsonObject denied = lastEnvelope(ws);
      assertEquals("UNAUTHENTICATED", denied.getJsonObject("payload").getString("code"), denied.encode());
      assertClosed(ws, 3000);
    }
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, "/v1/jsonrpc")) {
      assertClosed(rpc, 3000);
    }
  }

  @Test
  void aKeyRemovedFromAuthorizedKeysIs3000OnBothSockets() throws Exception {
    Path temp = mesh.userKey("temp", "/hub/*");
    String token = ItTokens.offline(mesh, temp);
    try (WsPeer ws = welcomedOnceLoaded(token);
         WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/jsonrpc", token))) {
      rpc.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/hub/spokes/list\"}");
      assertTrue(((JsonObject) rpc.nextJson()).containsKey("result"));
      String kept = Files.readAllLines(mesh.keys).stream().filter(l -> !l.contains("temp@it"))
          .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      Files.writeString(mesh.keys, kept);
      JsonObject bye = lastEnvelope(ws);
      assertEquals("UNAUTHENTICATED", bye.getJsonObject("payload").getString("code"), bye.encode());
      assertClosed(ws, 3000);
      assertClosed(rpc, 3000);
    }
  }

  @Test
  void aSpokeNameTheKeyIsNotGrantedIs3003() throws Exception {
    try (WsPeer ws = ws(admin, new JsonObject().put("spoke", "dev9"), "auth.denied")) {
      assertClosed(ws, 3003);
    }
  }

  @Test
  void aProtocolViolationIs1008AndBadMessagePackToo() throws Exception {
    try (WsPeer ws = ws(admin, new JsonObject(), "auth.welcome")) {
      ws.send("not json");
      JsonObject bye = lastEnvelope(ws);
      assertEquals("bye", bye.getString("type"));
      assertEquals("PROTOCOL", bye.getJsonObject("payload").getString("code"));
      assertClosed(ws, 1008);
    }
    try (WsPeer ws = ws(admin, new JsonObject(), "auth.welcome")) {
      ws.send(Buffer.buffer(new byte[] {(byte) 0x81, (byte) 0xc1}));
      assertEquals("PROTOCOL", lastEnvelope(ws).getJsonObject("payload").getString("code"));
      assertClosed(ws, 1008);
    }
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/jsonrpc", admin))) {
      rpc.send(Buffer.buffer(new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
      assertClosed(rpc, 1008);
    }
  }

  @Test
  void aMessageOverTheFrameLimitIs1009() throws Exception {
    String big = "{\"type\":\"ping\",\"id\":\"\",\"payload\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
    try (WsPeer ws = ws(admin, new JsonObject(), "auth.welcome")) {
      ws.send(big);
      assertEquals("bye", lastEnvelope(ws).getString("type"));
      assertClosed(ws, 1009);
    }
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/jsonrpc", admin))) {
      rpc.send(big);
      assertClosed(rpc, 1009);
    }
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/jsonrpc", admin))) {
      String under = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/dev1/fs/writeFile\",\"params\":{\"path\":\"w.txt\","
          + "\"content\":\"" + "y".repeat(60_000) + "\"}}";
      rpc.send(under); // one frame of 60 kB, as a browser sends it: under the limit, so it is read
      assertEquals(60_000, ((JsonObject) rpc.nextJson()).getJsonObject("result").getInteger("size"));
    }
  }

  @Test
  void aSpokeReplacedByItsNewerConnectionIs1000() throws Exception {
    try (WsPeer old = ws(web1, new JsonObject().put("spoke", "web1"), "auth.welcome");
         WsPeer newer = ws(web1, new JsonObject().put("spoke", "web1"), "auth.welcome")) {
      JsonObject bye = lastEnvelope(old);
      assertEquals("bye", bye.getString("type"), bye.encode());
      assertClosed(old, 1000);
      assertTrue(!newer.closesWithin(300));
    }
  }

  @Test
  void aHubStoppedWithSigtermIs1001OnBothSockets() throws Exception {
    try (Mesh own = new Mesh()) {
      Path key = own.userKey("admin", "/hub/*");
      own.startHub(0);
      String token = ItTokens.offline(own, key);
      try (WsPeer ws = WsPeer.connect(vertx, own.httpPort, withToken("/v1/ws", token));
           WsPeer rpc = WsPeer.connect(vertx, own.httpPort, withToken("/v1/jsonrpc", token))) {
        assertEquals("auth.challenge", ((JsonObject) ws.nextJson()).getString("type"));
        ws.send(envelope("auth.hello", "", new JsonObject()).encode());
        assertEquals("auth.welcome", ((JsonObject) ws.nextJson()).getString("type"));
        rpc.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/hub/spokes/list\"}");
        assertTrue(((JsonObject) rpc.nextJson()).containsKey("result"));
        long t0 = System.nanoTime();
        own.hub.signal("TERM");
        JsonObject bye = (JsonObject) ws.nextJson();
        assertEquals("UNAVAILABLE", bye.getJsonObject("payload").getString("code"), bye.encode());
        assertClosed(ws, 1001);
        assertClosed(rpc, 1001);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5000,
            "an idle JSON-RPC socket holds no call: the hub need not wait its shutdown grace");
        assertEquals(0, own.hub.awaitExit(Duration.ofSeconds(20)));
      }
    }
  }

  @Test
  void aJsonRpcSocketThatAnswersNoPingIs1001AndOneThatDoesStays() throws Exception {
    try (Mesh own = new Mesh()) {
      Path key = own.userKey("admin", "/hub/*");
      own.startHub(0, "--heartbeat", "300ms");
      String token = ItTokens.offline(own, key);
      try (WsPeer live = WsPeer.connect(vertx, own.httpPort, withToken("/v1/jsonrpc", token));
           java.net.Socket raw = new java.net.Socket("127.0.0.1", own.httpPort)) {
        raw.setSoTimeout(15_000);
        raw.getOutputStream().write(("GET " + withToken("/v1/jsonrpc", token) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] all = raw.getInputStream().readAllBytes(); // pings it never answers, then the close, then EOF
        String text = new String(all, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 101"), text);
        int code = -1;
        int pings = 0;
        for (int i = text.indexOf("\r\n\r\n") + 4; i + 1 < all.length; i += 2 + (all[i + 1] & 0x7f)) {
          int opcode = all[i] & 0x0f;
          pings += opcode == 9 ? 1 : 0;
          if (opcode == 8) {
            code = ((all[i + 2] & 0xff) << 8) | (all[i + 3] & 0xff);
            break;
          }
        }
        assertTrue(pings >= 2, "pinged before being dropped: " + pings);
        assertEquals(1001, code, "a silent peer is dropped with 1001");
        assertTrue(!live.isClosed(), "a client that answers pings stays: " + live.closeCode());
        live.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/hub/spokes/list\"}");
        assertTrue(((JsonObject) live.nextJson()).containsKey("result"));
      }
    }
  }

  private static Buffer pack(JsonObject value) {
    return Buffer.buffer(dev.callmesh.protocol.msgpack.MsgPack.fromJson(value.toBuffer()).getBytes());
  }

  private static JsonObject unpack(Buffer msgpack) throws IOException {
    return new JsonObject(MessagePack.newDefaultUnpacker(msgpack.getBytes()).unpackValue().toJson());
  }

  @Test
  void messagePackRoundTripsOnTheEnvelopeSocketWithBinAsBase64() throws Exception {
    byte[] bin = new byte[300];
    for (int i = 0; i < bin.length; i++) {
      bin[i] = (byte) i;
    }
    try (WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, withToken("/v1/ws", admin))) {
      assertEquals("auth.challenge", ((JsonObject) ws.nextJson()).getString("type"), "text until the peer sends binary");
      ws.send(pack(envelope("auth.hello", "", new JsonObject())));
      assertEquals("auth.welcome", unpack(ws.nextBinary()).getString("type"), "binary answers binary");
      try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
        p.packMapHeader(3).packString("type").packString("call.requested").packString("id").packString("w");
        p.packString("payload").packMapHeader(2).packString("operationId").packString("/dev1/fs/writeFile");
        p.packString("input").packMapHeader(3).packString("path").packString("bin.dat").packString("encoding")
            .packString("base64").packString("content").packBinaryHeader(bin.length).writePayload(bin);
        ws.send(Buffer.buffer(p.toByteArray()));
      }
      JsonObject wrote = unpack(ws.nextBinary());
      assertEquals("call.responded", wrote.getString("type"), wrote.encode());
      assertArrayEquals(bin, Files.readAllBytes(mesh.root("dev1").resolve("bin.dat")), "bin arrived as its bytes");
      ws.send(pack(envelope("call.requested", "r", new JsonObject().put("operationId", "/dev1/fs/readFile")
          .put("input", new JsonObject().put("path", "bin.dat").put("encoding", "base64")))));
      JsonObject read = unpack(ws.nextBinary());
      assertArrayEquals(bin, Base64.getDecoder().decode(read.getJsonObject("payload").getJsonObject("output")
          .getString("content")));
    }
  }

  @Test
  void messagePackOnTheJsonRpcSocketIsAnsweredInKind() throws Exception {
    try (WsPeer rpc = WsPeer.connect(vertx, mesh.httpPort, "/v1/jsonrpc")) {
      rpc.send(pack(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "auth.authenticate")
          .put("params", new JsonObject().put("token", admin))));
      assertEquals("admin", unpack(rpc.nextBinary()).getJsonObject("result").getJsonObject("identity").getString("id"));
      rpc.send(pack(new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "/dev1/fs/stat")
          .put("params", new JsonObject().put("path", "."))));
      assertEquals("directory", unpack(rpc.nextBinary()).getJsonObject("result").getString("type"));
      rpc.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\".\"}}");
      assertEquals(3, ((JsonObject) rpc.nextJson()).getInteger("id"), "text is still answered in text");
    }
  }
}
