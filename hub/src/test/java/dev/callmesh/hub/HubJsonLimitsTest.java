package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two hubs in one JVM, one reading JSON at most 32 levels deep and one 64: each keeps to its own limit. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HubJsonLimitsTest {

  SshKeyPair userKey = SshKeyPair.generate();
  TestHub shallow;
  TestHub deep;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    String line = TestHub.line("name=\"user\"", userKey, "user");
    shallow = new TestHub(new HubOptions().setMaxJsonDepth(32), Files.createDirectory(dir.resolve("a")), line);
    deep = new TestHub(new HubOptions().setMaxJsonDepth(64), Files.createDirectory(dir.resolve("b")), line);
  }

  @AfterEach
  void stop() {
    shallow.close();
    deep.close();
  }

  /** @return {@code /services/list} with metadata whose member holds {@code levels} nested arrays */
  private static JsonObject nestedCall(int levels) {
    return new JsonObject().put("operationId", "/services/list").put("input", new JsonObject())
        .put("metadata", nested(levels));
  }

  private static JsonObject nested(int levels) {
    Object v = 1;
    for (int i = 0; i < levels; i++) {
      v = new JsonArray().add(v);
    }
    return new JsonObject().put("x", v);
  }

  @Test
  void aFrameDeeperThanOneHubsLimitCostsItsConnectionThereAndIsServedByTheOther() {
    // 40 arrays in the metadata are 43 levels with the envelope, payload and metadata objects
    HubSession toShallow = shallow.connect(userKey, null, null);
    CallException e = (CallException) toShallow.engine().call(nestedCall(40)).otherwise(err -> err).await();
    assertEquals("UNAVAILABLE", e.code(), e.getMessage());
    assertEquals("PROTOCOL", toShallow.engine().peerBye().getString("code"), toShallow.engine().peerBye().encode());
    HubSession toDeep = deep.connect(userKey, null, null);
    assertTrue(toDeep.engine().call(nestedCall(40)).await() instanceof JsonObject);
    assertEquals(0, toDeep.engine().pendingCount());
    toDeep.close().await();
  }

  @Test
  void anHttpBodyDeeperThanTheHubsLimitIsRefusedBeforeAnythingElse() {
    // The body is read before the token is checked: too deep is 400, within the limit the missing token is 401
    assertEquals(400, post(shallow, nested(40)));
    assertEquals(401, post(shallow, nested(20)));
    assertEquals(401, post(deep, nested(40)));
  }

  private static int post(TestHub mesh, JsonObject body) {
    HttpClient client = mesh.vertx.createHttpClient();
    try {
      return client.request(HttpMethod.POST, mesh.hub.httpPort(), "127.0.0.1", "/v1/call/services/list")
          .compose(req -> req.send(body.toBuffer())).map(r -> r.statusCode()).await();
    } finally {
      client.close().await();
    }
  }
}
