package dev.callmesh.spoke;

import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.spoke.impl.SpokeImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A spoke: dials out to a hub, registers the operations of its services, serves them on its root, and
 * reconnects with jittered exponential backoff whenever the connection is lost. Given several hub URLs
 * ({@link SpokeOptions#setHubUrls}), it dials the first at start and the next, round robin, after each
 * loss or failed attempt; the backoff grows only once every URL of a round has failed. Its blocking work runs on
 * pools of its own, made with it and closed with it (see {@link dev.callmesh.spoke.work.SpokeWorkers}).
 */
public interface Spoke {

  /** Where the spoke stands. */
  enum Status {
    /** Dialling or in the handshake. */
    CONNECTING,
    /** Welcomed by the hub and serving. */
    CONNECTED,
    /** Lost the hub; waiting before the next attempt. */
    DISCONNECTED,
    /** Closed for good. */
    CLOSED
  }

  /**
   * @param vertx the Vert.x instance
   * @param options hub, name, root, services, TLS files, reconnect delays and pool sizes (copied; the key
   *     file is not read: the key is given)
   * @param key the spoke's key pair
   * @return a spoke, not yet connected
   * @throws IllegalArgumentException when the options have no name, or the root is not a directory
   * @throws java.io.UncheckedIOException when the root does not exist
   */
  static Spoke create(Vertx vertx, SpokeOptions options, SshKeyPair key) {
    return new SpokeImpl(vertx, options, key);
  }

  /**
   * Starts connecting, and keeps the connection up until {@link #close()}.
   *
   * @return a future completed at the first welcome; failed if the very first attempt is denied by the
   *     hub (a key or name problem that retrying will not fix). An unreachable hub is retried.
   */
  Future<HubSession> start();

  /** @return the current status */
  Status status();

  /** @return the live session, or {@code null} while disconnected */
  HubSession session();

  /** @return the URL of the hub the spoke is connected to, or is dialling or will dial next */
  dev.callmesh.protocol.client.HubUrl hubUrl();

  /**
   * @return a future completed with the reason once the spoke has stopped for good: closed, denied
   *     on its first attempt, or replaced by a newer connection of the same identity and name
   */
  Future<String> terminated();

  /**
   * Stops gracefully: withdraws its operations from the hub (so no new calls arrive), lets the calls
   * it is serving finish for up to the grace period, then closes.
   *
   * @param grace how long running calls may go on
   * @return a future completed when closed
   */
  Future<Void> shutdown(java.time.Duration grace);

  /**
   * Stops reconnecting, closes the connection (which aborts the calls it serves, killing their commands)
   * and closes its thread pools.
   *
   * @return a future completed when closed
   */
  Future<Void> close();
}
