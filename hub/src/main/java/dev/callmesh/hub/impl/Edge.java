package dev.callmesh.hub.impl;

import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Future;

/**
 * A long-lived caller that is not an envelope connection (a JSON-RPC WebSocket), as the {@link Sessions}
 * see it: how many calls it has running, and how to close it. Its methods may be called from any thread.
 */
interface Edge {

  /** @return the calls it has running through the hub now */
  int callsInFlight();

  /** Closes it, saying why: the code decides its WebSocket close code. */
  void close(ErrorCode code, String message);

  /** @return a future completed once it has closed */
  Future<Void> closed();
}
