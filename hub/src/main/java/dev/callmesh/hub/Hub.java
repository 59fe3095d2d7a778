package dev.callmesh.hub;

import dev.callmesh.hub.impl.HubImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A callmesh hub: accepts spokes and clients, authenticates them against authorized_keys, routes
 * their calls by the first path segment and serves discovery.
 */
public interface Hub {

  /**
   * @param vertx the Vert.x instance to run on
   * @param options where to listen and whom to let in
   * @return a hub, not yet listening
   */
  static Hub create(Vertx vertx, HubOptions options) {
    return new HubImpl(vertx, options);
  }

  /**
   * Loads the authorized keys and starts listening.
   * <p>
   * An authorized_keys file that is missing or unreadable does not fail the start: the hub listens but
   * denies every connection ({@code auth.denied UNAVAILABLE}) and {@code /readyz} answers 503 until the
   * file can be loaded (it is tried again every keys poll period).
   *
   * @return a future completed once the hub listens, or failed when an address cannot be bound or the
   *     hub's own key cannot be read or made
   */
  Future<Hub> start();

  /** @return the TCP port actually bound (useful with port 0); -1 before start */
  int port();

  /** @return the HTTP port actually bound; -1 before start or without HTTP */
  int httpPort();

  /** @return this hub's cluster member address as bound ({@code host:port}), or {@code null} when standalone */
  String clusterAddress();

  /** @return the routing table of connected spokes */
  RoutingTable routes();

  /**
   * Calls an operation of a connected spoke from the hub itself, as identity {@code hub}.
   *
   * @param path the full path, e.g. {@code /dev1/fs/readFile}
   * @param input the input
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  Future<Object> call(String path, JsonObject input);

  /** @return how many calls the hub has pending towards spokes, summed over connections */
  int pendingCount();

  /**
   * Stops gracefully: stops accepting connections, lets the calls in flight finish for up to the grace
   * period, then says {@code bye} to everyone and closes.
   *
   * @return a future completed when all is closed
   */
  Future<Void> shutdown(java.time.Duration grace);

  /**
   * Stops listening, says {@code bye} to every connection and closes them.
   *
   * @return a future completed when all is closed
   */
  Future<Void> close();
}
