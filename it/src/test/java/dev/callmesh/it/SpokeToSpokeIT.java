package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A spoke calls another spoke through the hub, as its allow list permits; the called spoke is the real jar. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpokeToSpokeIT {

  @Test
  void dev1ReadsAFileOfDev2AndAKeyWithoutDev2InItsAllowListIsForbidden() throws Exception {
    try (Mesh mesh = new Mesh()) {
      Path dev2Key = mesh.spokeKey("dev2");
      Path dev1Key = mesh.key("dev1");
      Path dev3Key = mesh.key("dev3");
      mesh.authorize("name=\"dev1\",spoke=\"dev1\",allow=\"/dev2/*\"", dev1Key);
      mesh.authorize("name=\"dev3\",spoke=\"dev3\",allow=\"/dev1/*\"", dev3Key);
      Path root = mesh.root("dev2");
      Files.writeString(root.resolve("shared.txt"), "from dev2");
      mesh.startHub(0);
      mesh.startSpoke("dev2", dev2Key, root);
      Vertx vertx = Vertx.vertx();
      try {
        HubSession dev1 = spoke(vertx, mesh, dev1Key, "dev1");
        HubSession dev3 = spoke(vertx, mesh, dev3Key, "dev3");
        JsonObject out = (JsonObject) dev1.engine().call("/dev2/fs/readFile", new JsonObject().put("path", "shared.txt")).await();
        assertEquals("from dev2", out.getString("content"));
        try {
          dev3.engine().call("/dev2/fs/readFile", new JsonObject().put("path", "shared.txt")).await();
          throw new AssertionError("expected FORBIDDEN");
        } catch (CallException e) {
          assertEquals("FORBIDDEN", e.code());
        }
        assertEquals(0, dev1.engine().pendingCount());
        assertEquals(0, dev3.engine().pendingCount());
      } finally {
        vertx.close().await();
      }
    }
  }

  private static HubSession spoke(Vertx vertx, Mesh mesh, Path key, String name) throws Exception {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + mesh.port))
        .setCredentials(Credentials.key(SshKeyPair.load(key, null))).setSpokeName(name);
    return new HubConnector(vertx, o).connect(o).await();
  }
}
