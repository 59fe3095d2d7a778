package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one connection may leave unsent. Past {@link #PAUSE_BYTES} the connection stops being
 * read (TCP backpressure: a peer that does not read its answers cannot send more requests) and resumes
 * below {@link #RESUME_BYTES}. A peer that stays backed up for {@link #STUCK_MS}, or lets more than
 * {@link EnvelopeTransport#maxUnsentBytes} pile up, is a slow consumer and is closed with
 * {@code bye RESOURCE_EXHAUSTED} (which also breaks two peers that each stopped reading the other).
 * Confined to the connection's context.
 */
final class Backlog {

  static final long PAUSE_BYTES = 8L * 1024 * 1024;
  static final long RESUME_BYTES = 2L * 1024 * 1024;
  static final long STUCK_MS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(Backlog.class);

  /** What the backlog does to its connection. */
  interface Connection {
    void pauseReading();

    void resumeReading();

    void bye(ErrorCode code, String message);

    String remoteAddress();
  }

  private final Vertx vertx;
  private final Connection connection;
  private final long max;
  private long unsent;
  private boolean paused;
  private long stuckTimer = -1;

  Backlog(Vertx vertx, Connection connection, int maxFrameBytes) {
    this.vertx = vertx;
    this.connection = connection;
    this.max = EnvelopeTransport.maxUnsentBytes(maxFrameBytes);
  }

  /** Counts one write of the given size until the operating system has taken it. */
  Future<Void> count(Future<Void> write, int size) {
    unsent += size;
    write.onComplete(ar -> {
      unsent -= size;
      if (paused && unsent < RESUME_BYTES) {
        paused = false;
        vertx.cancelTimer(stuckTimer);
        connection.resumeReading();
      }
    });
    if (unsent > max) {
      slowConsumer();
    } else if (!paused && unsent > PAUSE_BYTES) {
      paused = true;
      connection.pauseReading();
      stuckTimer = vertx.setTimer(STUCK_MS, t -> {
        if (paused) {
          slowConsumer();
        }
      });
    }
    return write;
  }

  private void slowConsumer() {
    log.info("closing {}: {} bytes wait unsent, it is not reading", connection.remoteAddress(), unsent);
    connection.bye(ErrorCode.RESOURCE_EXHAUSTED, "you are not reading what is sent to you (" + unsent
        + " bytes wait unsent); closing the connection");
  }
}
