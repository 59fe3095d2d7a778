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
}
