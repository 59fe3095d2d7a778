package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.client.Sshd;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ssh://} hub URLs end to end: the hub jar on loopback, a real OpenSSH sshd, and the spoke jar
 * reaching the hub through sshd's direct-tcpip forwarding with one ssh-keygen key for both the SSH login
 * and callmesh; a host key that known_hosts does not vouch for is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SshTunnelIT {

  Mesh mesh;
  Sshd sshd;
  Path admin;
  Path spokeKey;

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    sshd = Sshd.start(mesh.dir.resolve("sshd"));
    admin = mesh.userKey("admin", "/*");
    spokeKey = mesh.key("dev1");
    mesh.authorize("spoke=\"dev1\"", spokeKey);
    sshd.authorize(spokeKey);
    sshd.authorize(admin);
    mesh.startHub(0);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      mesh.close();
    } finally {
      sshd.close();
    }
  }

  private String sshUrl() {
    return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port() + "/127.0.0.1:" + mesh.port;
  }

  @Test
  void aSpokeBehindSshServesItsFilesAndTheCliDialsTheSameWay() throws Exception {
    // GIVEN known_hosts with sshd's real host key
    Path knownHosts = sshd.writeKnownHosts(mesh.dir.resolve("known_hosts"));
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("hello.txt"), "through ssh");
    // WHEN the spoke dials the hub through sshd
    mesh.startSpoke(sshUrl(), "dev1", spokeKey, root, true, "--known-hosts", knownHosts.toString());
    // THEN a Java client on the hub reaches its files
    CallmeshClient client = mesh.client(admin);
    JsonObject out = (JsonObject) client.call("/dev1/fs/readFile", new JsonObject().put("path", "hello.txt")).await();
    assertEquals("through ssh", out.getString("content"));
    assertEquals(0, Mesh.inFlight(client).get("dev1"));
    assertTrue(sshd.log().contains("Accepted publickey"), sshd.log());
    // AND the CLI reaches the hub through sshd too
    Mesh.CliResult cli = mesh.cli("--hub", sshUrl(), "--known-hosts", knownHosts.toString(), "--key", admin.toString(),
        "call", "/dev1/fs/readFile", "{\"path\":\"hello.txt\"}");
    assertEquals(0, cli.exit(), cli.err());
    assertEquals("through ssh", cli.json().getString("content"));
  }

  @Test
  void aSpokeRefusesAnSshServerWhoseHostKeyIsNotTheListedOne() throws Exception {
    // GIVEN known_hosts lists another key for sshd's address
    Path impostor = mesh.key("impostor");
    Path knownHosts = Files.writeString(mesh.dir.resolve("known_hosts"),
        sshd.knownHostsLine(Path.of(impostor + ".pub")));
    // WHEN the spoke dials through sshd
    JavaProcess spoke = mesh.startSpoke(sshUrl(), "dev1", spokeKey, mesh.root("dev1"), false,
        "--known-hosts", knownHosts.toString());
    // THEN it keeps retrying, the hub never sees dev1, and the spoke says why
    CallmeshClient client = mesh.client(admin);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    while (System.nanoTime() < until) {
      assertFalse(Mesh.inFlight(client).containsKey("dev1"), "the hub lists dev1 although its SSH host key is wrong");
      Thread.sleep(200);
    }
    assertTrue(spoke.process().isAlive(), "the spoke should keep retrying:\n" + spoke.stderr());
    String err = spoke.stderr();
    assertTrue(err.contains("host key") && err.contains("CHANGED") && err.contains(knownHosts.toString()), err);
    assertFalse(sshd.log().contains("Accepted publickey"), "the key must not log in to an untrusted server");
  }
}
