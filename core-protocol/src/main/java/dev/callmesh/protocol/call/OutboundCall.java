package dev.callmesh.protocol.call;

/** A call we made and that may still be running. */
public interface OutboundCall {

  /** @return the request id used on the wire */
  String id();

  /**
   * Cancels the call: sends {@code call.aborted} to the handler and ends the call locally with
   * ABORTED. Does nothing when the call has already ended. May be called from any thread.
   *
   * @param reason why, for a person; may be {@code null}
   */
  void abort(String reason);

  /**
   * Lets the handler send {@code n} more outputs ({@code call.credit}); only for calls whose request
   * carried a {@code window}. May be called from any thread.
   */
  void credit(long n);
}
