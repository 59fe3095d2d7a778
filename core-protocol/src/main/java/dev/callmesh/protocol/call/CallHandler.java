package dev.callmesh.protocol.call;

/** Serves the calls that arrive on a connection. */
@FunctionalInterface
public interface CallHandler {

  /**
   * Handles one call. The handler must end it (reply, complete or fail) sooner or later; exceptions
   * it throws are answered as {@code call.error INTERNAL} by the engine.
   *
   * @param call the call, on the connection's context
   */
  void handle(InboundCall call);
}
