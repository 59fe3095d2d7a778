package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code from=} option of authorized_keys: a key is let in only from the addresses it names. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FromPatternTest {

  @Test
  void aKeyIsDeniedFromAnAddressItsFromPatternsExcludeAndLetInFromOneTheyInclude(@TempDir Path dir) throws Exception {
    SshKeyPair elsewhere = SshKeyPair.generate();
    SshKeyPair local = SshKeyPair.generate();
    SshKeyPair negated = SshKeyPair.generate();
    try (TestHub mesh = new TestHub(dir,
        TestHub.line("name=\"elsewhere\",from=\"10.0.0.0/8\"", elsewhere, "elsewhere"),
        TestHub.line("name=\"local\",from=\"127.0.0.1,10.*\"", local, "local"),
        TestHub.line("name=\"negated\",from=\"!127.0.0.1,*\"", negated, "negated"))) {
      for (SshKeyPair refused : new SshKeyPair[] {elsewhere, negated}) {
        try {
          mesh.connect(refused, null, null);
          throw new AssertionError("a key whose from= excludes 127.0.0.1 was let in");
        } catch (CallException e) {
          assertEquals("FORBIDDEN", e.code());
          assertTrue(e.getMessage().contains("may not connect from 127.0.0.1"), e.getMessage());
        }
      }
      HubSession ok = mesh.connect(local, null, null);
      JsonObject list = (JsonObject) ok.engine().call("/services/list", new JsonObject()).await();
      assertTrue(list.containsKey("operations"));
    }
  }
}
