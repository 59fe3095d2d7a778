package dev.callmesh.spoke.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import dev.callmesh.spoke.Spoke;
import dev.callmesh.spoke.SpokeOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconnect loop over several hub URLs: it dials the first at start, then the next after each failed
 * attempt, round robin. The "hubs" here refuse with UNAVAILABLE (as a hub whose authorized_keys is not
 * loaded yet does), which the spoke retries; the move after a lost connection is in the it module's HubListIT.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpokeHubRotationTest {

  @TempDir
  Path root;

  private NetServer unavailable(Vertx vertx, String name, List<String> dials) {
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      dials.add(name);
      EnvelopeTransport.create(socket, "tcp", 1 << 20).closeWith(EventEnvelope.of(EventTypes.AUTH_DENIED,
          new JsonObject().put("code", ErrorCode.UNAVAILABLE.wire()).put("message", "not yet")));
    });
    server.listen(0, "127.0.0.1").await();
    return server;
  }

  @Test
  void theFirstUrlIsDialledFirstThenTheNextRoundRobin(Vertx vertx) throws Exception {
    List<String> dials = Collections.synchronizedList(new ArrayList<>());
    NetServer a = unavailable(vertx, "a", dials);
    NetServer b = unavailable(vertx, "b", dials);
    NetServer c = unavailable(vertx, "c", dials);
    List<HubUrl> urls = List.of(a, b, c).stream()
        .map(s -> HubUrl.parse("tcp://127.0.0.1:" + s.actualPort())).toList();
    SpokeOptions options = new SpokeOptions().setName("rotor").setRoot(root).setHubUrls(urls).setReconnect(10, 40);
    Spoke spoke = Spoke.create(vertx, options, SshKeyPair.generate());
    try {
      spoke.start();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (dials.size() < 7 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      List<String> seen;
      synchronized (dials) {
        seen = new ArrayList<>(dials.subList(0, Math.min(7, dials.size())));
      }
      assertEquals(List.of("a", "b", "c", "a", "b", "c", "a"), seen);
      assertTrue(spoke.status() != Spoke.Status.CLOSED, "an unreachable mesh is retried");
    } finally {
      spoke.close().await();
      a.close().await();
      b.close().await();
      c.close().await();
    }
  }
}
