package dev.callmesh.operations;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What a handler knows about the call it serves. */
public interface OperationContext {

  /** @return the Vert.x instance the call runs on */
  Vertx vertx();

  /** @return the request id of the call */
  String requestId();

  /** @return the operation path as served, e.g. {@code /fs/readFile} */
  String operation();

  /** @return {@code {"id":..,"spoke":..}} of the caller as set by the hub, or {@code null} */
  JsonObject caller();

  /** @return the request's {@code metadata}, or an empty object */
  JsonObject metadata();

  /** @return whether the caller aborted the call (or it timed out, or the connection closed) */
  boolean isAborted();

  /**
   * @param handler called once with the reason when the call is aborted
   * @return this
   */
  OperationContext onAbort(Handler<String> handler);
}
