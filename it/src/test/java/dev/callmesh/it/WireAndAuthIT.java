package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake and the framing, from a raw socket client that signs with {@code ssh-keygen -Y sign}:
 * each bad connection is refused or closed while the hub goes on serving a good one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WireAndAuthIT {

  static Mesh mesh;
  static Path admin;
  static Path spokeKey;
  static Path stranger;
  static RawConn good;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    stranger = mesh.key("stranger");
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
    Files.writeString(root.resolve("bb.txt"), "bb");
    Files.writeString(root.resolve("ccc.txt"), "ccc");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    good = connect(admin, null);
  }

  @AfterAll
  static void stop() throws Exception {
    good.close();
    mesh.close();
  }

  @AfterEach
  void hubStillServes() throws IOException {
    good.send("call.requested", "alive", new JsonObject().put("operationId", "/dev1/fs/stat")
        .put("input", new JsonObject().put("path", "a.txt")));
    JsonObject r = good.recvFor("alive");
    assertNotNull(r, "the good connection was closed");
    assertEquals("call.responded", r.getString("type"), r.encode());
    good.send("call.requested", "inflight", new JsonObject().put("operationId", "/hub/spokes/list"));
    JsonObject spokes = good.recvFor("inflight").getJsonObject("payload").getJsonObject("output");
    assertEquals(0, spokes.getJsonArray("spokes").getJsonObject(0).getInteger("inFlight"));
  }

  /** Signs a message with ssh-keygen -Y sign -n callmesh, as any OpenSSH user could. */
  static String sign(Path key, String message) throws Exception {
    Path msg = Files.createTempFile(key.getParent(), "msg", ".txt");
    Files.writeString(msg, message);
    Process p = new ProcessBuilder(Tools.require("ssh-keygen").toString(), "-q", "-Y", "sign", "-n", "callmesh",
        "-f", key.toString(), msg.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return Files.readString(Path.of(msg + ".sig"));
  }

  static JsonObject challenge(RawConn c) throws IOException {
    JsonObject ch = c.recv();
    assertEquals("auth.challenge", ch.getString("type"));
    assertEquals("callmesh/1", ch.getJsonObject("payload").getString("protocol"));
    return ch.getJsonObject("payload");
  }

  /** Connects and authenticates with the key; @return the connection after auth.welcome */
  static RawConn connect(Path key, String spoke) throws Exception {
    return connectTo(mesh, key, spoke);
  }

  /** Connects to the mesh's hub as a plain client, signing with ssh-keygen. */
  static RawConn connectTo(Mesh m, Path key) throws Exception {
    return connectTo(m, key, null);
  }

  static RawConn connectTo(Mesh m, Path key, String spoke) throws Exception {
    RawConn c = new RawConn(m.port);
    JsonObject ch = challenge(c);
    JsonObject hello = new JsonObject().put("signature",
        sign(key, "callmesh-auth-v1:" + ch.getString("hub") + ":" + ch.getString("nonce")));
    if (spoke != null) {
      hello.put("spoke", spoke);
    }
    c.send("auth.hello", "", hello);
    JsonObject w = c.recv();
    assertEquals("auth.welcome", w.getString("type"), w.encode());
    return c;
  }

  private static JsonObject deniedFor(String expectedCode, RawConn c) throws IOException {
    JsonObject d = c.recv();
    assertNotNull(d, "closed without auth.denied");
    assertEquals("auth.denied", d.getString("type"), d.encode());
    assertEquals(expectedCode, d.getJsonObject("payload").getString("code"), d.encode());
    assertTrue(c.closesWithin(3000), "the hub did not close the denied connection");
    return d;
  }

  @Test
  void aKeyNotInAuthorizedKeysIsDenied() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      JsonObject ch = challenge(c);
      c.send("auth.hello", "", new JsonObject().put("signature",
          sign(stranger, "callmesh-auth-v1:" + ch.getString("hub") + ":" + ch.getString("nonce"))));
      JsonObject d = deniedFor("UNAUTHENTICATED", c);
      assertTrue(d.getJsonObject("payload").getString("message").contains("SHA256:"), d.encode());
    }
  }

  @Test
  void aSignatureOverAnotherConnectionsNonceIsDenied() throws Exception {
    try (RawConn first = new RawConn(mesh.port); RawConn second = new RawConn(mesh.port)) {
      JsonObject ch1 = challenge(first);
      JsonObject ch2 = challenge(second);
      assertTrue(!ch1.getString("nonce").equals(ch2.getString("nonce")));
      String replay = sign(admin, "callmesh-auth-v1:" + ch1.getString("hub") + ":" + ch1.getString("nonce"));
      second.send("auth.hello", "", new JsonObject().put("signature", replay));
      deniedFor("UNAUTHENTICATED", second);
    }
  }

  @Test
  void aSignatureForAnotherHubIdIsDenied() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      JsonObject ch = challenge(c);
      c.send("auth.hello", "", new JsonObject().put("signature",
          sign(admin, "callmesh-auth-v1:some-other-hub:" + ch.getString("nonce"))));
      deniedFor("UNAUTHENTICATED", c);
    }
  }

  @Test
  void aSpokeNameTheKeyIsNotGrantedIsDenied() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      JsonObject ch = challenge(c);
      c.send("auth.hello", "", new JsonObject().put("spoke", "dev2").put("signature",
          sign(admin, "callmesh-auth-v1:" + ch.getString("hub") + ":" + ch.getString("nonce"))));
      deniedFor("FORBIDDEN", c);
    }
    try (RawConn c = new RawConn(mesh.port)) { // a granted key may not take a name another identity holds
      JsonObject ch = challenge(c);
      c.send("auth.hello", "", new JsonObject().put("spoke", "dev1").put("signature",
          sign(admin, "callmesh-auth-v1:" + ch.getString("hub") + ":" + ch.getString("nonce"))));
      deniedFor("FORBIDDEN", c);
    }
  }

  @Test
  void aCallBeforeTheHandshakeIsDenied() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      challenge(c);
      c.send("call.requested", "x", new JsonObject().put("operationId", "/dev1/fs/readFile")
          .put("input", new JsonObject().put("path", "a.txt")));
      deniedFor("PROTOCOL", c);
    }
  }

  private static void assertClosedWithProtocolBye(RawConn c) throws IOException {
    JsonObject bye = c.recv();
    assertNotNull(bye, "closed without bye");
    assertEquals("bye", bye.getString("type"), bye.encode());
    assertEquals("PROTOCOL", bye.getJsonObject("payload").getString("code"));
    assertTrue(c.closesWithin(3000));
  }

  @Test
  void aZeroLengthFrameClosesThatConnectionOnly() throws Exception {
    try (RawConn c = connect(admin, null)) {
      c.sendRaw(new byte[] {0, 0, 0, 0});
      assertClosedWithProtocolBye(c);
    }
  }

  @Test
  void aLengthOverTheMaximumClosesAtOnceWithoutAllocatingIt() throws Exception {
    try (RawConn c = connect(admin, null)) {
      c.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, '{'});
      assertClosedWithProtocolBye(c);
    }
    try (RawConn c = new RawConn(mesh.port)) { // before the handshake too, and read unsigned
      challenge(c);
      c.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      assertClosedWithProtocolBye(c);
    }
  }

  @Test
  void aBodyThatIsNotJsonClosesThatConnectionOnly() throws Exception {
    for (String body : List.of("not json", "[1,2,3]", "{\"id\":\"no type\"}")) {
      try (RawConn c = connect(admin, null)) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        c.sendRaw(ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array());
        assertClosedWithProtocolBye(c);
      }
    }
  }

  @Test
  void threeClientsUsingTheSameRequestIdEachGetTheirOwnAnswer() throws Exception {
    List<RawConn> conns = new ArrayList<>();
    try {
      List<String> files = List.of("a.txt", "bb.txt", "ccc.txt");
      for (int i = 0; i < 3; i++) {
        conns.add(connect(admin, null));
      }
      for (int i = 0; i < 3; i++) {
        conns.get(i).send("call.requested", "same", new JsonObject().put("operationId", "/dev1/fs/stat")
            .put("input", new JsonObject().put("path", files.get(i))));
      }
      for (int i = 0; i < 3; i++) {
        JsonObject r = conns.get(i).recvFor("same");
        assertEquals("call.responded", r.getString("type"), r.encode());
        assertEquals(i + 1, r.getJsonObject("payload").getJsonObject("output").getInteger("size"));
      }
    } finally {
      for (RawConn c : conns) {
        c.close();
      }
    }
  }

  @Test
  void theHubSetsCallerAndOnlyAllowedCallsPass() throws Exception {
    good.send("call.requested", "forbidden", new JsonObject().put("operationId", "/dev2/fs/readFile")
        .put("input", new JsonObject().put("path", "a.txt")));
    JsonObject e = good.recvFor("forbidden");
    assertEquals("call.error", e.getString("type"));
    assertEquals("FORBIDDEN", e.getJsonObject("payload").getString("code"));
    assertEquals(false, e.getJsonObject("payload").getBoolean("retryable"));
    good.send("call.requested", "bad", new JsonObject().put("operationId", "/dev1/fs/readFile")
        .put("input", new JsonObject().put("path", 42)));
    JsonObject bad = good.recvFor("bad");
    assertEquals("INVALID_INPUT", bad.getJsonObject("payload").getString("code"), bad.encode());
    assertEquals("/path", bad.getJsonObject("payload").getJsonObject("details").getString("path"), bad.encode());
  }
}
