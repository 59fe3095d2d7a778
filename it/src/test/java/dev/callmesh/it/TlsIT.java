package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS 1.3 on both listeners: tls:// and wss:// spokes that verify the hub, curl over https, client certificates. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsIT {

  Mesh mesh;
  Path spokeKey;
  Path admin;
  Path root;
  Path hubCert;
  Path otherCa;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("secret.txt"), "over tls");
    hubCert = Certs.selfSigned(mesh.dir, "hub");
    otherCa = Certs.selfSigned(mesh.dir, "other");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private JavaProcess spoke(String hubUrl, Path ca) throws Exception {
    return JavaProcess.start("spoke-tls", Tools.jar("callmesh.spoke.jar"), mesh.dir, Map.of(), List.of(
        "--hub", hubUrl, "--name", "dev1", "--key", spokeKey.toString(), "--root", root.toString(), "--ca", ca.toString()));
  }

  private static boolean refusedCertificate(String stderr) {
    String s = stderr.toLowerCase();
    return s.contains("certificat") || s.contains("pkix");
  }

  private Object readThroughTls(Path ca) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CallmeshClient c = CallmeshClient.connect(vertx, new ConnectOptions()
          .setHubUrl(HubUrl.parse("tls://127.0.0.1:" + mesh.port)).setCaFile(ca)
          .setCredentials(Credentials.key(SshKeyPair.load(admin, null)))).await();
      return ((JsonObject) c.call("/dev1/fs/readFile", new JsonObject().put("path", "secret.txt")).await()).getString("content");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aSpokeOverWssTrustingTheHubsCertificateServesCallsAndAnotherCaIsRefused() throws Exception {
    mesh.startHub(0, "--tls-cert", hubCert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString());
    String wss = "wss://127.0.0.1:" + mesh.httpPort + "/v1/ws";
    try (JavaProcess wrong = spoke(wss, otherCa)) {
      long deadline = System.nanoTime() + Mesh.START.toNanos();
      while (!refusedCertificate(wrong.stderr()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(refusedCertificate(wrong.stderr()), "the spoke should report the untrusted certificate: " + wrong.stderr());
      assertTrue(wrong.stdoutLines().stream().noneMatch(l -> l.contains("connected to")), "a hub it does not trust");
    }
    try (JavaProcess good = spoke(wss, hubCert)) {
      good.awaitLine(l -> l.contains("connected to"), Mesh.START);
      assertEquals("over tls", readThroughTls(hubCert));
      try {
        readThroughTls(otherCa);
        throw new AssertionError("a client trusting another CA must refuse the hub");
      } catch (CallException e) {
        assertEquals("UNAVAILABLE", e.code());
      }
    }
  }

  @Test
  void aSpokeOverTlsServesCallsAndCurlSpeaksHttpsWithClientCertificates() throws Exception {
    Path clientCa = Certs.ca(mesh.dir, "clients");
    Certs.clientSignedBy(mesh.dir, "clients", "curl-client");
    mesh.startHub(0, "--tls-cert", hubCert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString());
    try (JavaProcess good = spoke("tls://127.0.0.1:" + mesh.port, hubCert)) {
      good.awaitLine(l -> l.contains("connected to"), Mesh.START);
      assertEquals("over tls", readThroughTls(hubCert));
      String token = mesh.cli("--hub", "tls://127.0.0.1:" + mesh.port, "--ca", hubCert.toString(), "--key", admin.toString(),
          "token").out().trim();
      HttpApiIT.Http ok = HttpApiIT.curl("--cacert", hubCert.toString(), "-H", "Authorization: Bearer " + token,
          "-d", "{\"path\":\"secret.txt\"}", "https://127.0.0.1:" + mesh.httpPort + "/v1/call/dev1/fs/readFile");
      assertEquals(200, ok.status(), ok.body());
    }
    mesh.hub.kill();
    // With --client-ca, only clients presenting a certificate that CA signed get through.
    mesh.startHub(0, "--tls-cert", hubCert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString(),
        "--client-ca", clientCa.toString());
    String url = "https://127.0.0.1:" + mesh.httpPort + "/healthz";
    Process noCert = new ProcessBuilder(Tools.require("curl").toString(), "-s", "--cacert", hubCert.toString(), url).start();
    assertNotEquals(0, noCert.waitFor(), "no client certificate, no connection");
    HttpApiIT.Http withCert = HttpApiIT.curl("--cacert", hubCert.toString(), "--cert", mesh.dir.resolve("curl-client.pem").toString(),
        "--key", mesh.dir.resolve("curl-client.key").toString(), url);
    assertEquals(200, withCert.status());
  }

  /** The error the CLI printed on stderr, as {@code {"code","message",...}}. */
  private static JsonObject cliError(Mesh.CliResult r) {
    return new JsonObject(r.err().trim()).getJsonObject("error");
  }

  @Test
  void theCliPresentsTheClientCertificateOfCertAndCertKeyToAHubThatDemandsOne() throws Exception {
    // GIVEN a hub that demands client certificates signed by its client CA on both listeners
    Path clientCa = Certs.ca(mesh.dir, "clients");
    Path cert = Certs.clientSignedBy(mesh.dir, "clients", "cli-client");
    Path certKey = mesh.dir.resolve("cli-client.key");
    mesh.startHub(0, "--tls-cert", hubCert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString(),
        "--client-ca", clientCa.toString());
    for (String hub : List.of("tls://127.0.0.1:" + mesh.port, "wss://127.0.0.1:" + mesh.httpPort + "/v1/ws")) {
      List<String> base = List.of("--hub", hub, "--ca", hubCert.toString(), "--key", admin.toString());
      // WHEN the CLI calls without a certificate THEN it is refused, and says why and what to pass
      Mesh.CliResult none = mesh.cli(args(base, "call", "/hub/spokes/list", "{}"));
      assertEquals(1, none.exit(), hub + ": " + none.err());
      JsonObject refused = cliError(none);
      assertEquals("UNAVAILABLE", refused.getString("code"), hub + ": " + none.err());
      String message = refused.getString("message");
      assertTrue(message.contains("client certificate") && message.contains("--cert"),
          hub + ": the refusal should name the missing client certificate and --cert: " + message);
      // WHEN it presents one the CA signed THEN the call goes through
      Mesh.CliResult with = mesh.cli(args(base, "--cert", cert.toString(), "--cert-key", certKey.toString(),
          "call", "/hub/spokes/list", "{}"));
      assertEquals(0, with.exit(), hub + ": " + with.err());
      assertTrue(with.json().containsKey("spokes"), with.out());
      // and a certificate of another CA is refused
      Mesh.CliResult other = mesh.cli(args(base, "--cert", otherCa.toString(), "--cert-key",
          mesh.dir.resolve("other.key").toString(), "call", "/hub/spokes/list", "{}"));
      assertEquals(1, other.exit(), hub + ": " + other.err());
      assertEquals("UNAVAILABLE", cliError(other).getString("code"), other.err());
    }
    // The environment serves as the flags do.
    Mesh.CliResult env = mesh.cli(Map.of("CALLMESH_CERT", cert.toString(), "CALLMESH_CERT_KEY", certKey.toString()),
        "--hub", "tls://127.0.0.1:" + mesh.port, "--ca", hubCert.toString(), "--key", admin.toString(), "spokes");
    assertEquals(0, env.exit(), env.err());

    // Only one of the two is a usage error (exit 2) that names the other.
    List<String> tls = List.of("--hub", "tls://127.0.0.1:" + mesh.port, "--ca", hubCert.toString(), "--key", admin.toString());
    Mesh.CliResult certOnly = mesh.cli(args(tls, "--cert", cert.toString(), "spokes"));
    assertEquals(2, certOnly.exit(), certOnly.err());
    assertTrue(certOnly.err().contains("--cert-key"), certOnly.err());
    Mesh.CliResult keyOnly = mesh.cli(Map.of("CALLMESH_CERT_KEY", certKey.toString()), args(tls, "spokes"));
    assertEquals(2, keyOnly.exit(), keyOnly.err());
    assertTrue(keyOnly.err().contains("--cert"), keyOnly.err());
    // A file that cannot be read is named.
    Path missing = mesh.dir.resolve("no-such-cert.pem");
    Mesh.CliResult unreadable = mesh.cli(args(tls, "--cert", missing.toString(), "--cert-key", certKey.toString(), "spokes"));
    assertNotEquals(0, unreadable.exit(), unreadable.err());
    assertTrue(unreadable.err().contains(missing.toString()), unreadable.err());
    Mesh.CliResult badKey = mesh.cli(args(tls, "--cert", cert.toString(), "--cert-key", cert.toString(), "spokes"));
    assertNotEquals(0, badKey.exit(), badKey.err());
    assertTrue(badKey.err().contains(cert.toString()), badKey.err());

    Mesh.CliResult help = mesh.cli("call", "--help");
    String usage = help.out().replaceAll("\\s+", " ");
    assertTrue(usage.contains("--cert=PEM") && usage.contains("--cert-key=PEM") && usage.contains("CALLMESH_CERT_KEY"),
        help.out());
  }

  private static String[] args(List<String> base, String... more) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
