package dev.callmesh.protocol.transport.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.io.DataInputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Envelopes written in one long run on the event loop reach the peer in slices while the loop is still
 * busy, not all at once after it: the peer can start on the first ones.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetSocketTransportFlushTest {

  /** Fewer than a burst of 64 calls a hub passes on from another loop. */
  private static final int RUN = 50;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aLongRunOfWritesIsFlushedInSlicesWhileTheLoopIsStillBusy() throws Exception {
    CountDownLatch peerHasASlice = new CountDownLatch(NetSocketTransport.FLUSH_AT_LEAST_EVERY);
    AtomicBoolean sawItWhileBusy = new AtomicBoolean();
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      NetSocketTransport transport = new NetSocketTransport(socket, "tcp", 1 << 20, JsonLimits.DEFAULTS);
      for (int i = 0; i < RUN; i++) {
        transport.send(EventEnvelope.of(EventTypes.CALL_RESPONDED, "c" + i, new JsonObject().put("n", i)));
      }
      // Still in the task that wrote them: only a flush made during the run lets the peer read any.
      try {
        sawItWhileBusy.set(peerHasASlice.await(5, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }).listen(0, "127.0.0.1").await();

    try (Socket peer = new Socket("127.0.0.1", server.actualPort())) {
      DataInputStream in = new DataInputStream(peer.getInputStream());
      for (int i = 0; i < RUN; i++) {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        assertEquals("c" + i, new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8)).getString("id"));
        peerHasASlice.countDown();
      }
    }
    assertTrue(sawItWhileBusy.get(), "the peer had fewer than " + NetSocketTransport.FLUSH_AT_LEAST_EVERY + " envelopes until the loop was done writing all " + RUN);
  }
}
