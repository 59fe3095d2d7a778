package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.TimestampToken;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hub JWT may do: it never buys another JWT, and a token scoped with {@code allow} grants only
 * what both its scope and its key's current allow list permit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenRightsTest {

  static final OperationSpec READ = spec("/fs/readFile", OperationType.QUERY);
  static final OperationSpec WRITE = spec("/fs/writeFile", OperationType.MUTATION);

  TestHub mesh;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair userKey = SshKeyPair.generate();
  HubSession user;

  static OperationSpec spec(String name, OperationType type) {
    return new OperationSpec(name, "fs", type, name, new JsonObject().put("type", "object"), null, null);
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir, TestHub.line("name=\"box\",spoke=\"dev*\"", spokeKey, "box"),
        TestHub.line("name=\"user\",allow=\"/dev1/*,/hub/*\"", userKey, "user"));
    OperationRegistry fs = OperationRegistry.create()
        .register(READ, (ctx, in) -> Future.succeededFuture(new JsonObject().put("read", true)))
        .register(WRITE, (ctx, in) -> Future.succeededFuture(new JsonObject().put("written", true)));
    mesh.connect(spokeKey, "dev1", fs);
    user = mesh.connect(userKey, null, null);
  }

  @AfterEach
  void stop() {
    assertEquals(0, mesh.hub.pendingCount());
    mesh.close();
  }

  private HubSession withToken(String token) {
    return withToken(token, "tcp://127.0.0.1:" + mesh.hub.port());
  }

  private HubSession withToken(String token, String url) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse(url)).setCredentials(Credentials.token(token));
    return new HubConnector(mesh.vertx, o).connect(o).await();
  }

  private String jwt(HubSession from, JsonObject input) {
    return ((JsonObject) from.engine().call("/hub/auth/token", input).await()).getString("token");
  }

  private static CallException fails(Future<?> f) {
    return assertThrows(CallException.class, f::await);
  }

  @Test
  void aJwtDoesNotBuyAnotherJwtButASignatureOrATimestampTokenDoes() {
    String jwt = jwt(user, new JsonObject());
    HubSession viaJwt = withToken(jwt);
    CallException refused = fails(viaJwt.engine().call("/hub/auth/token", new JsonObject()));
    assertEquals("FORBIDDEN", refused.code(), refused.getMessage());
    assertEquals(true, ((JsonObject) viaJwt.engine().call("/dev1/fs/readFile", new JsonObject()).await())
        .getBoolean("read"), "the JWT still calls what its key may");

    HubSession viaWebSocket = withToken(jwt, "ws://127.0.0.1:" + mesh.hub.httpPort() + "/v1/ws");
    assertEquals("FORBIDDEN", fails(viaWebSocket.engine().call("/hub/auth/token", new JsonObject())).code(),
        "nor over WebSocket");

    HubSession viaTimestamp = withToken(TimestampToken.create(userKey, System.currentTimeMillis() / 1000));
    assertTrue(jwt(viaTimestamp, new JsonObject()).split("\\.").length == 3, "a signed-timestamp token buys a JWT");
  }

  @Test
  void aScopedTokenGrantsOnlyWhatItsScopeAndTheKeyBothAllow() {
    String scoped = jwt(user, new JsonObject().put("allow", new JsonArray().add("/dev1/fs/read*").add("/dev2/*")));
    HubSession narrow = withToken(scoped);
    assertEquals(true, ((JsonObject) narrow.engine().call("/dev1/fs/readFile", new JsonObject()).await()).getBoolean("read"));
    assertEquals("FORBIDDEN", fails(narrow.engine().call("/dev1/fs/writeFile", new JsonObject())).code(),
        "outside the token's scope");
    assertEquals("FORBIDDEN", fails(narrow.engine().call("/dev2/fs/readFile", new JsonObject())).code(),
        "inside the scope but outside the key's allow list");
    assertEquals("FORBIDDEN", fails(narrow.engine().call("/hub/spokes/list", new JsonObject())).code());
    List<String> names = ((JsonObject) narrow.engine().call("/services/list", new JsonObject()).await())
        .getJsonArray("operations").stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertTrue(names.contains("/dev1/fs/readFile") && !names.contains("/dev1/fs/writeFile")
        && !names.contains("/hub/spokes/list"), names.toString());
    assertEquals("NOT_FOUND", fails(narrow.engine().call("/services/schema",
        new JsonObject().put("name", "/dev1/fs/writeFile"))).code());
  }

  @Test
  void aScopeThatIsNotAListOfPathPatternsIsInvalidInput() {
    assertEquals("INVALID_INPUT", fails(user.engine().call("/hub/auth/token",
        new JsonObject().put("allow", new JsonArray().add("dev1/*")))).code());
    assertEquals("INVALID_INPUT", fails(user.engine().call("/hub/auth/token",
        new JsonObject().put("allow", new JsonArray()))).code());
  }
}
