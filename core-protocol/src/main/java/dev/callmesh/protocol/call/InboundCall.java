package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * A call a peer made to us, as the serving side sees it. Exactly one of {@link #reply}, {@link #complete}
 * or {@link #fail} ends it; after that, or after the caller aborted, every further method is a no-op.
 * <p>
 * {@link #reply}, {@link #emit}, {@link #complete}, {@link #fail} and {@link #writeQueueFull} may be
 * called from any thread (a handler's worker): the call hops onto its connection's context, where its
 * state lives, and takes effect there in the order called. Handlers set with the other methods run on
 * that context; set them on it (in the {@link CallHandler}) before the call can end.
 */
public interface InboundCall {

  /** @return the request id the caller chose */
  String id();

  /** @return the operation path as it arrived, e.g. {@code /fs/readFile} */
  String operationId();

  /** @return the {@code input} of the request; an empty object when it had none */
  JsonObject input();

  /** @return the whole {@code call.requested} payload (a received payload is decoded on first use) */
  JsonObject payload();

  /**
   * @return the request as it arrived, to read its header fields without decoding the payload, or to
   *     pass it on with {@link CallRequest#with} (a relay)
   */
  default CallRequest request() {
    return CallRequest.of(payload());
  }

  /** @return {@code payload.caller} as set by the hub, or {@code null} */
  default JsonObject caller() {
    return payload().getJsonObject("caller");
  }

  /**
   * Sends one {@code call.responded} and ends the call (a query or mutation).
   *
   * @param output any JSON value; a {@link dev.callmesh.protocol.RawJson} is sent byte for byte
   */
  void reply(Object output);

  /**
   * Sends one {@code call.responded} and keeps the call open (a subscription).
   *
   * @param output any JSON value; a {@link dev.callmesh.protocol.RawJson} is sent byte for byte
   */
  void emit(Object output);

  /** Sends {@code call.completed} and ends the call. */
  void complete();

  /** Sends {@code call.error} and ends the call. */
  void fail(CallException error);

  /** @return whether the call has ended, by us or by the caller */
  boolean isDone();

  /**
   * @return whether outputs should wait: the caller's credit (its {@code window}) is used up, or the
   *     connection is backed up. Safe to read from any thread.
   */
  boolean writeQueueFull();

  /**
   * @param handler called on the connection's context each time {@link #writeQueueFull()} turns false
   * @return this
   */
  InboundCall drainHandler(Handler<Void> handler);

  /**
   * @param handler told of each {@code call.credit} the caller sends (a relay passes it on)
   * @return this
   */
  InboundCall creditHandler(java.util.function.LongConsumer handler);

  /**
   * @param handler called once, on the connection's context, when the call ends before the handler ended
   *     it, with why: ABORTED (the caller aborted; the message is its reason), TIMEOUT (its
   *     {@code timeoutMs} or {@code idleTimeoutMs} passed), RESOURCE_EXHAUSTED (the caller does not read
   *     its outputs) or UNAVAILABLE (the connection closed). The code is the one the caller received, if
   *     it received one.
   * @return this
   */
  InboundCall abortHandler(Handler<CallException> handler);

  /**
   * @param handler called once, on the connection's context, when the call has ended however it ended:
   *     with {@code null} when it succeeded (a reply, or a completed stream), else with the error the
   *     caller received (for an abort by the caller, ABORTED with its reason). What audit lines and
   *     metrics count.
   * @return this
   */
  InboundCall endHandler(Handler<CallException> handler);
}
