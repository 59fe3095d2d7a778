package dev.callmesh.protocol.call;

import dev.callmesh.protocol.call.impl.CallEngineImpl;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Makes and serves calls over one connection, after its handshake. The same engine runs in the hub,
 * in spokes and in clients: every participant can call and serve.
 * <p>
 * Outgoing calls are correlated by the {@link PendingRequestMap}; incoming calls go to the
 * {@link CallHandler}. When the connection closes, every pending call fails with UNAVAILABLE and every
 * incoming call is aborted. The engine's state lives on the connection's context: methods called from
 * any other thread hop there first, and callbacks run there. Only the counts are published for readers
 * elsewhere.
 */
public interface CallEngine {

  /**
   * Takes over the transport's handlers and starts the heartbeat.
   *
   * @param transport an authenticated connection
   * @param handler serves the calls the peer makes
   * @param options timeouts and limits
   * @return the engine
   */
  static CallEngine create(EnvelopeTransport transport, CallHandler handler, CallEngineOptions options) {
    return new CallEngineImpl(transport, handler, options);
  }

  /**
   * Starts a call.
   *
   * @param request the {@code call.requested} payload: {@code operationId}, {@code input} and any of
   *     the optional fields of docs/PROTOCOL.md, "Calls"
   * @param stream whether the call stays open after its first response (a subscription)
   * @param observer receives the outcome on the connection's context
   * @return a handle to abort the call
   */
  default OutboundCall open(JsonObject request, boolean stream, CallObserver observer) {
    return open(CallRequest.of(request), stream, observer);
  }

  /**
   * Starts a call with a request that may have been received on another connection: what was not
   * replaced in it is sent byte for byte (how a relay forwards a call).
   *
   * @param request the request
   * @param stream whether the call stays open after its first response (a subscription)
   * @param observer receives the outcome on the connection's context
   * @return a handle to abort the call
   */
  OutboundCall open(CallRequest request, boolean stream, CallObserver observer);

  /**
   * Calls a query or mutation with the default deadline.
   *
   * @return a future of the first {@code output}, or failed with a
   *     {@link dev.callmesh.protocol.CallException}
   */
  default Future<Object> call(String operationId, JsonObject input) {
    return call(new JsonObject().put("operationId", operationId).put("input", input));
  }

  /**
   * Calls a query or mutation.
   *
   * @param request the {@code call.requested} payload
   * @return a future of the first {@code output}, or failed with a
   *     {@link dev.callmesh.protocol.CallException}
   */
  Future<Object> call(JsonObject request);

  /** @return the connection */
  EnvelopeTransport transport();

  /**
   * @param id the request id of a call we made on this connection
   * @return the observer of that call while it is pending, else {@code null}; read it on the
   *     connection's context (a relay finds there what a call it forwarded was made for)
   */
  CallObserver pendingObserver(String id);

  /** @return how many calls we made are pending; may be read from any thread (it lags by a moment) */
  int pendingCount();

  /** @return how many calls the peer made to us are running; may be read from any thread (it lags by a moment) */
  int inboundCount();

  /** @return a future completed once the connection has closed and every call on it ended */
  Future<Void> closeFuture();

  /** @return the payload of the {@code bye} the peer sent before closing, or {@code null} */
  JsonObject peerBye();
}
