package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spoke's client certificate ({@code --cert}/{@code --cert-key}, or {@code CALLMESH_CERT}/
 * {@code CALLMESH_CERT_KEY}) towards a hub started with {@code --client-ca}: the spoke jar dials
 * {@code tls://}, is refused without a certificate, and registers and serves calls with one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SpokeClientCertIT {

  private Mesh mesh;
  private Path spokeKey;
  private Path admin;
  private Path root;
  private Path hubCert;
  private Path clientCert;
  private Path clientKey;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    Files.writeString(root.resolve("secret.txt"), "behind a client certificate");
    hubCert = Certs.selfSigned(mesh.dir, "hub");
    Certs.ca(mesh.dir, "clients");
    clientCert = Certs.clientSignedBy(mesh.dir, "clients", "spoke-client");
    clientKey = mesh.dir.resolve("spoke-client.key");
    mesh.startHub(0, "--tls-cert", hubCert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString(),
        "--client-ca", mesh.dir.resolve("clients.pem").toString());
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private JavaProcess spoke(Map<String, String> env, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--hub", "tls://127.0.0.1:" + mesh.port, "--name", "dev1",
        "--key", spokeKey.toString(), "--root", root.toString(), "--ca", hubCert.toString()));
    args.addAll(List.of(extra));
    return JavaProcess.start("spoke-cert", Tools.jar("callmesh.spoke.jar"), mesh.dir, env, args);
  }

  /** Reads secret.txt through the hub as admin, presenting the client certificate the hub asks for. */
  private String readThroughHub() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CallmeshClient c = CallmeshClient.connect(vertx, new ConnectOptions()
          .setHubUrl(HubUrl.parse("tls://127.0.0.1:" + mesh.port)).setCaFile(hubCert).setClientCert(clientCert, clientKey)
          .setCredentials(Credentials.key(SshKeyPair.load(admin, null)))).await();
      String content = ((JsonObject) c.call("/dev1/fs/readFile", new JsonObject().put("path", "secret.txt"))
          .await(30, TimeUnit.SECONDS)).getString("content");
      assertEquals(0, c.engine().pendingCount());
      c.close().await();
      return content;
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void withoutACertificateTheSpokeIsRefusedAndWithOneItRegistersAndServes() throws Exception {
    // GIVEN a hub that requires client certificates, WHEN the spoke dials without one, THEN it never gets in
    try (JavaProcess bare = spoke(Map.of())) {
      String failed = bare.awaitErrLine(l -> l.contains("dev1") && l.contains("attempt 1"), Mesh.START);
      Thread.sleep(1000);
      assertTrue(bare.stdoutLines().stream().noneMatch(l -> l.contains("connected to")),
          "a spoke without a client certificate got in: " + bare.stdoutLines() + "; first failure: " + failed);
      assertTrue(bare.stderr().toLowerCase().contains("certificat"), "refused for its missing certificate: " + bare.stderr());
    }
    // WHEN it presents a certificate the hub's CA signed (flags), THEN it registers and a call through it works
    try (JavaProcess flags = spoke(Map.of(), "--cert", clientCert.toString(), "--cert-key", clientKey.toString())) {
      flags.awaitLine(l -> l.contains("connected to"), Mesh.START);
      assertEquals("behind a client certificate", readThroughHub());
      flags.signal("TERM");
      assertEquals(0, flags.awaitExit(Duration.ofSeconds(30)), flags.stderr());
    }
    // AND the same from the environment
    try (JavaProcess env = spoke(Map.of("CALLMESH_CERT", clientCert.toString(), "CALLMESH_CERT_KEY", clientKey.toString()))) {
      env.awaitLine(l -> l.contains("connected to"), Mesh.START);
      assertEquals("behind a client certificate", readThroughHub());
    }
  }

  @Test
  void aCertificateWithoutItsKeyIsAUsageError() throws Exception {
    try (JavaProcess half = spoke(Map.of(), "--cert", clientCert.toString())) {
      assertEquals(2, half.awaitExit(Mesh.START), half.stderr());
      assertTrue(half.stderr().contains("--cert-key"), half.stderr());
    }
  }
}
