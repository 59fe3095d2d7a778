package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub speaks first, and a Vert.x socket drops bytes that arrive before its handler is set. Connecting
 * from a plain thread once lost the challenge in about 4% of handshakes; closing a WebSocket session from
 * a plain thread once threw. 200 connect-and-close cycles in a row must all succeed, over TCP and WebSocket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeRaceTest {

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"tcp", "ws"})
  void twoHundredConnectionsFromAPlainThreadAllGetTheirChallenge(String scheme, @TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SshKeyPair key = SshKeyPair.generate();
      Path keys = dir.resolve("authorized_keys");
      Files.writeString(keys, "name=\"u\" " + key.publicKey().toOpenSsh("u") + "\n");
      Hub hub = Hub.create(vertx, new HubOptions().setAuthorizedKeys(keys).setHubId("race")
          .setListen(new HostPort("127.0.0.1", 0)).setHttp(new HostPort("127.0.0.1", 0))).start().await();
      String url = scheme.equals("ws") ? "ws://127.0.0.1:" + hub.httpPort() + "/v1/ws" : "tcp://127.0.0.1:" + hub.port();
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ConnectOptions o = new ConnectOptions().setHubUrl(HubUrl.parse(url))
            .setCredentials(Credentials.key(key)).setHandshakeTimeoutMs(2000);
        try {
          HubSession s = new HubConnector(vertx, o).connect(o).await();
          s.close().await();
        } catch (Exception e) {
          failures.add(i + ": " + e);
        }
      }
      assertEquals(List.of(), failures);
      hub.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
