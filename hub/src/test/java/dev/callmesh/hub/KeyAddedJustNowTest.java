package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key appended to authorized_keys is let in at once, not only after the next poll of the file: a user who adds a
 * spoke's key and starts the spoke straight away must not see it refused (and the spoke give up) by a race.
 */
class KeyAddedJustNowTest {

  @Test
  void aKeyAddedAfterStartIsLetInBeforeTheNextPoll(@TempDir Path dir) throws Exception {
    SshKeyPair first = SshKeyPair.generate();
    SshKeyPair added = SshKeyPair.generate();
    SshKeyPair stranger = SshKeyPair.generate();
    HubOptions options = new HubOptions().setKeysPollMs(3_600_000); // no poll during the test
    try (TestHub mesh = new TestHub(options, dir, TestHub.line("name=\"first\"", first, "first"))) {
      Files.writeString(dir.resolve("authorized_keys"), TestHub.line("name=\"added\",spoke=\"added\"", added, "added") + "\n",
          StandardOpenOption.APPEND);
      HubSession session = mesh.connect(added, "added", null);
      JsonObject list = (JsonObject) session.engine().call("/services/list", new JsonObject()).await();
      assertTrue(list.containsKey("operations"));

      try {
        mesh.connect(stranger, null, null);
        throw new AssertionError("a key in no authorized_keys line was let in");
      } catch (CallException e) {
        assertEquals("UNAUTHENTICATED", e.code());
        assertTrue(e.getMessage().contains("is not in the hub's authorized_keys"), e.getMessage());
      }
    }
  }
}
