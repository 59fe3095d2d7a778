package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hubs of a cluster share {@code Idempotency-Key}s: a repeat sent to another hub than the first request gets
 * the first answer, and the spoke ran the call once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HttpIdempotencyClusterIT {

  @Test
  void aRepeatToAnotherHubOfTheClusterIsReplayed() throws Exception {
    Tools.require("curl");
    try (Mesh mesh = new Mesh()) {
      Path spokeKey = mesh.spokeKey("dev1");
      Path admin = mesh.userKey("admin", "/dev1/*");
      Path root = mesh.root("dev1");
      String name = "it-idem-" + ProcessHandle.current().pid();
      Mesh.ClusterHub hub1 = mesh.startClusterHub("hub1", name, null);
      Mesh.ClusterHub hub2 = mesh.startClusterHub("hub2", name, hub1.member());
      mesh.startSpoke(hub1.url(), "dev1", spokeKey, root, true);
      Mesh.CliResult t = mesh.cli("--hub", hub1.url(), "--key", admin.toString(), "token", "--offline");
      assertEquals(0, t.exit(), t.err());
      String token = t.out().trim();
      String key = UUID.randomUUID().toString();
      String body = "{\"path\":\"shared.log\",\"content\":\"line\\n\",\"append\":true}";

      Curl.Answer first = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (first == null || first.status() == 503 && System.nanoTime() < deadline) { // until hub2 sees dev1
        Thread.sleep(first == null ? 0 : 200);
        first = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Idempotency-Key: " + key,
            "-H", "Content-Type: application/json", "--data-binary", body,
            "http://127.0.0.1:" + hub2.httpPort() + "/v1/call/dev1/fs/writeFile");
      }
      assertEquals(200, first.status(), first.text());
      assertNull(first.header("Idempotent-Replayed"));
      Curl.Answer repeat = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, "-H", "Idempotency-Key: " + key,
          "-H", "Content-Type: application/json", "--data-binary", body,
          "http://127.0.0.1:" + hub1.httpPort() + "/v1/call/dev1/fs/writeFile");
      assertEquals(200, repeat.status(), repeat.text());
      assertEquals("true", repeat.header("Idempotent-Replayed"), "hub1 knows the key hub2 kept");
      assertArrayEquals(first.body(), repeat.body());
      assertEquals(List.of("line"), Files.readAllLines(root.resolve("shared.log")));
    }
  }
}
