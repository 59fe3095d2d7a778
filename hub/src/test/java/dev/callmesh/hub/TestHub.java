package dev.callmesh.hub;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An in-process hub on a free loopback port, and Java sessions connected to it, for hub tests. */
final class TestHub implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final Hub hub;

  /**
   * @param dir where to write authorized_keys
   * @param authorizedKeys its lines
   */
  TestHub(Path dir, String... authorizedKeys) throws IOException {
    this(new HubOptions(), dir, authorizedKeys);
  }

  /**
   * @param options the hub's settings; its keys file and addresses are set here
   * @param dir where to write authorized_keys
   * @param authorizedKeys its lines
   */
  TestHub(HubOptions options, Path dir, String... authorizedKeys) throws IOException {
    Path keys = dir.resolve("authorized_keys");
    Files.writeString(keys, String.join("\n", authorizedKeys) + "\n");
    hub = Hub.create(vertx, options.setAuthorizedKeys(keys).setHubId("test")
        .setListen(new HostPort("127.0.0.1", 0)).setHttp(new HostPort("127.0.0.1", 0))).start().await();
  }

  /** @return an authorized_keys line for the key with the options */
  static String line(String options, SshKeyPair key, String comment) {
    return options + " " + key.publicKey().toOpenSsh(comment);
  }

  /**
   * @param key who to be
   * @param spokeName the spoke name to register, or {@code null} for a plain client
   * @param registry what the session serves, or {@code null}
   * @return a welcomed session
   */
  HubSession connect(SshKeyPair key, String spokeName, OperationRegistry registry) {
    return connect(key, spokeName, registry, o -> { });
  }

  /** As {@link #connect(SshKeyPair, String, OperationRegistry)}, with the options adjusted first (labels, a pool). */
  HubSession connect(SshKeyPair key, String spokeName, OperationRegistry registry,
                     java.util.function.Consumer<ConnectOptions> adjust) {
    ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + hub.port()))
        .setCredentials(Credentials.key(key)).setSpokeName(spokeName);
    adjust.accept(o);
    if (registry != null) {
      o.setCallHandler(registry).setOperations(new JsonArray(registry.specs().stream().map(OperationSpec::toJson).toList()));
    }
    return new HubConnector(vertx, o).connect(o).await();
  }

  @Override
  public void close() {
    hub.close().await();
    vertx.close().await();
  }
}
