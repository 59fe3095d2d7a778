package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub jar's first start and its restarts: the data directory keeps the hub's key, so tokens outlive a
 * restart; a data directory or an address it cannot use stops it at once, saying which.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HubStartIT {

  private Mesh mesh;

  @BeforeEach
  void mesh() throws Exception {
    mesh = new Mesh();
  }

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  /** @return the hub's TCP and HTTP ports, once it listens */
  private static int[] ports(JavaProcess hub) throws InterruptedException {
    String tcp = hub.awaitLine(l -> l.contains(" listening on "), Mesh.START);
    String http = hub.awaitLine(l -> l.contains(" HTTP on "), Mesh.START);
    return new int[] {Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1).trim()),
        Integer.parseInt(http.substring(http.lastIndexOf(':') + 1).trim())};
  }

  private JavaProcess hub(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
        "--authorized-keys", mesh.keys.toString(), "--hub-id", "it-hub"));
    args.addAll(List.of(extra));
    return mesh.startHubJar("hub", args.toArray(String[]::new));
  }

  @Test
  void aJwtIssuedBeforeARestartStillWorksAfterIt() throws Exception {
    Path admin = mesh.userKey("admin", "/hub/*");
    JavaProcess first = hub(); // no --hub-key, no --data-dir: ./callmesh-data in the hub's directory
    int[] ports = ports(first);
    Path data = mesh.dir.resolve("callmesh-data");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("hub_key"))));
    Mesh.CliResult token = mesh.cli("--hub", "tcp://127.0.0.1:" + ports[0], "--key", admin.toString(), "token");
    assertEquals(0, token.exit(), token.err());
    String jwt = token.out().trim();
    assertEquals(200, HttpApiIT.curl("-H", "Authorization: Bearer " + jwt,
        "http://127.0.0.1:" + ports[1] + "/v1/spokes").status());
    first.close();

    int[] again = ports(hub());
    HttpApiIT.Http after = HttpApiIT.curl("-H", "Authorization: Bearer " + jwt, "http://127.0.0.1:" + again[1] + "/v1/spokes");
    assertEquals(200, after.status(), "a JWT from before the restart: " + after.body());
  }

  @Test
  void theDataDirectoryAndHubKeyCanBeSetAndHubKeyWins() throws Exception {
    Path data = mesh.dir.resolve("state").resolve("hub");
    Path key = mesh.dir.resolve("elsewhere_key");
    ports(hub("--data-dir", data.toString(), "--hub-key", key.toString()));
    assertTrue(Files.isDirectory(data), "the data directory is made");
    assertTrue(Files.exists(key), "--hub-key still names the key");
    assertTrue(!Files.exists(data.resolve("hub_key")), "no second key in the data directory");
  }

  @Test
  void aHubKeyElsewhereStillKeepsTheJobsInTheDefaultDataDirectory() throws Exception {
    Path key = mesh.dir.resolve("elsewhere_key");
    ports(hub("--hub-key", key.toString()));
    Path data = mesh.dir.resolve("callmesh-data");
    assertTrue(Files.isRegularFile(data.resolve("jobs.db")), "the jobs live in ./callmesh-data");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("jobs.db"))));
    assertTrue(!Files.exists(data.resolve("hub_key")), "the key is where --hub-key says");
  }

  @Test
  void aJobsDatabaseThatIsNotSqliteStopsTheHubNamingItAndIsLeftAsItWas() throws Exception {
    Path data = Files.createDirectories(mesh.dir.resolve("state"));
    Path db = data.resolve("jobs.db");
    byte[] garbage = "this is not a database, but someone's notes\n".repeat(200).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(db, garbage);
    JavaProcess hub = hub("--data-dir", data.toString());
    assertNotEquals(0, hub.awaitExit(Duration.ofSeconds(30)));
    assertTrue(hub.stderr().contains(db.toAbsolutePath().toString()) && hub.stderr().contains("not a SQLite database"),
        hub.stderr());
    assertTrue(java.util.Arrays.equals(garbage, Files.readAllBytes(db)), "the file is left exactly as it was");
  }

  @Test
  void aDataDirectoryThatIsAFileStopsTheHubNamingIt() throws Exception {
    Path file = Files.writeString(mesh.dir.resolve("not-a-dir"), "x");
    JavaProcess hub = hub("--data-dir", file.toString());
    assertNotEquals(0, hub.awaitExit(Duration.ofSeconds(30)));
    assertTrue(hub.stderr().contains(file.toString()) && hub.stderr().contains("not a directory"), hub.stderr());
  }

  @Test
  void anAddressInUseNamesTheListenerAndTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      JavaProcess tcp = mesh.startHubJar("hub-tcp", "--listen", address, "--http", "127.0.0.1:0",
          "--authorized-keys", mesh.keys.toString(), "--data-dir", mesh.dir.resolve("d1").toString());
      assertNotEquals(0, tcp.awaitExit(Duration.ofSeconds(30)));
      assertTrue(tcp.stderr().contains("--listen " + address), tcp.stderr());
      assertTrue(tcp.stderr().toLowerCase().contains("in use"), tcp.stderr());

      JavaProcess http = mesh.startHubJar("hub-http", "--listen", "127.0.0.1:0", "--http", address,
          "--authorized-keys", mesh.keys.toString(), "--data-dir", mesh.dir.resolve("d2").toString());
      assertNotEquals(0, http.awaitExit(Duration.ofSeconds(30)));
      assertTrue(http.stderr().contains("--http " + address), http.stderr());
    }
  }
}
