package dev.callmesh.hub.impl;

import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Future;

/** A listener that could not bind says which one and where ("Address already in use" alone does not). */
final class ListenFailure {

  private ListenFailure() {
  }

  /**
   * @param listening a listener's {@code listen()}
   * @param listener which listener: {@code "TCP"}, {@code "HTTP"}
   * @param option the option that sets its address: {@code "--listen"}, {@code "--http"}
   * @param address the address it was asked to bind
   * @return the same future, its failure's message naming the listener and the address
   */
  static <T> Future<T> named(Future<T> listening, String listener, String option, HostPort address) {
    return listening.recover(err -> Future.failedFuture(new IllegalStateException("the " + listener + " listener ("
        + option + " " + address + ") cannot bind: " + err.getMessage(), err)));
  }
}
