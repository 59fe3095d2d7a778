package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.jsonrpc.JsonRpc;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON-RPC request on its way through the hub's router, as the {@link InboundCall} the router serves.
 * Its {@link #answer()} is the JSON-RPC response for the request: the result or the error of a query or
 * mutation; for a subscription over a WebSocket, {@code {"subscription":id}} once it has started, after
 * which outputs, the end or the failure go out as notifications through the {@link Sink}, each written
 * one crediting the upstream call by one (its window is {@link HttpCall#STREAM_WINDOW}); over POST, the
 * outputs collected, {@code {"outputs":[..]}}, once it has ended (at most {@link #MAX_COLLECTED} bytes).
 * A notification request (no id) is answered with {@code null}; a subscription's outputs are then dropped.
 * Confined to the context of the socket or request it came on.
 */
final class JsonRpcCall extends EdgeCall {

  /** The most bytes of outputs a subscription over POST may collect: 1 MiB. */
  static final int MAX_COLLECTED = 1024 * 1024;

  /** How the outcome of a call is delivered. */
  enum Mode {
    /** A query or mutation: the first output is the result. */
    QUERY,
    /** A subscription on a WebSocket: outputs as notifications. */
    NOTIFY,
    /** A subscription over POST: outputs collected into the result. */
    COLLECT,
    /** A subscription that is a notification request: outputs dropped. */
    DROP
  }

  /** Where a subscription's notifications are written. */
  interface Sink {
    /** @return a future completed once the notification is handed to the operating system */
    Future<Void> send(Buffer notification, boolean binary);

    /** @return whether writes should wait */
    boolean writeQueueFull();
  }

  private final Buffer rpcId;
  private final Mode mode;
  private final String subscription;
  private final boolean binary;
  private final Sink sink;
  private final Promise<Buffer> answer = Promise.promise();
  private CallRequest request;
  private ArrayDeque<Buffer> held;
  private List<Buffer> collected;
  private int collectedBytes;
  private boolean announced;
  private Handler<Void> drainHandler;

  /**
   * @param id the call's id in the hub (audit lines)
   * @param operation the operation path (the request's method)
   * @param input the input (the request's params)
   * @param rpcId the request's id as JSON text, {@code null} for a notification request
   * @param mode how outcomes are delivered
   * @param subscription the subscription id, for {@link Mode#NOTIFY}
   * @param binary whether notifications go out as MessagePack
   * @param sink where notifications go, for {@link Mode#NOTIFY}
   * @param onEnd run once when the call ends, however it ends
   */
  JsonRpcCall(String id, String operation, JsonObject input, Buffer rpcId, Mode mode, String subscription,
              boolean binary, Sink sink, Runnable onEnd) {
    super(id, new JsonObject().put("operationId", operation).put("input", input), onEnd);
    this.rpcId = rpcId;
    this.mode = mode;
    this.subscription = subscription;
    this.binary = binary;
    this.sink = sink;
    if (mode != Mode.QUERY) {
      payload().put("window", HttpCall.STREAM_WINDOW);
    }
    if (mode == Mode.NOTIFY) {
      held = new ArrayDeque<>();
    } else if (mode == Mode.COLLECT) {
      collected = new ArrayList<>();
    }
  }

  /** @return the JSON-RPC response for the request, {@code null} for a notification request */
  Future<Buffer> answer() {
    return answer.future();
  }

  /** @return the subscription id, or {@code null} */
  String subscription() {
    return subscription;
  }

  /** The router has taken the call: a subscription that has not failed already is answered with its id. */
  void started() {
    if (mode == Mode.NOTIFY && !answer.future().isComplete()) {
      answer.tryComplete(JsonRpc.result(rpcId, new JsonObject().put("subscription", subscription)));
    }
  }

  /** The answer carrying the subscription id has been written: the notifications held until now follow it. */
  void announced() {
    if (announced || mode != Mode.NOTIFY) {
      return;
    }
    announced = true;
    while (!held.isEmpty()) {
      write(held.poll());
    }
  }

  /** Ends the call early, on the client's request or because it went away, and aborts it upstream. */
  void cancel(String reason) {
    CallException e = CallException.of(ErrorCode.ABORTED, reason);
    if (end(e)) {
      answer.tryComplete(rpcId == null ? null : JsonRpc.error(rpcId, JsonRpc.Error.of(e)));
      abortUpstream(e);
    }
  }

  /** The socket's write queue has drained. */
  void drained() {
    if (drainHandler != null && !isDone()) {
      drainHandler.handle(null);
    }
  }

  @Override
  public CallRequest request() {
    if (request == null) {
      request = CallRequest.of(payload()); // encoded once: the router and the audit line each ask for it
    }
    return request;
  }

  @Override
  public void reply(Object output) {
    if (mode != Mode.QUERY) {
      emit(output);
      complete();
    } else if (end(null)) {
      answer.complete(rpcId == null ? null : JsonRpc.result(rpcId, output));
    }
  }

  @Override
  public void emit(Object output) {
    if (isDone()) {
      return;
    }
    switch (mode) {
      case QUERY -> {
        reply(output); // a plain call resolves on the first output; the rest is not wanted
        abortUpstream(CallException.of(ErrorCode.ABORTED, "a JSON-RPC call takes only the first output"));
      }
      case DROP -> credit(1);
      case COLLECT -> {
        Buffer bytes = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
        collectedBytes += bytes.length() + 1;
        if (collectedBytes > MAX_COLLECTED) {
          CallException e = CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the subscription's outputs are over "
              + MAX_COLLECTED + " bytes, the most a POST collects; use the WebSocket to stream them");
          fail(e);
          abortUpstream(e);
          return;
        }
        collected.add(bytes);
        credit(1);
      }
      case NOTIFY -> notify(JsonRpc.output(subscription, output));
    }
  }

  @Override
  public void complete() {
    if (!end(null)) {
      return;
    }
    switch (mode) {
      case QUERY, DROP -> answer.complete(rpcId == null ? null : JsonRpc.result(rpcId, (Object) null));
      case COLLECT -> answer.complete(JsonRpc.result(rpcId, Buffer.buffer("{\"outputs\":")
          .appendBuffer(JsonRpc.array(collected)).appendString("}")));
      case NOTIFY -> notify(JsonRpc.completed(subscription));
    }
  }

  @Override
  public void fail(CallException error) {
    if (!end(error)) {
      return;
    }
    if (mode == Mode.NOTIFY && (announced || answer.future().isComplete())) {
      notify(JsonRpc.failed(subscription, error));
    } else {
      answer.tryComplete(rpcId == null ? null : JsonRpc.error(rpcId, JsonRpc.Error.of(error)));
    }
  }

  private void notify(Buffer notification) {
    if (announced) {
      write(notification);
    } else {
      held.add(notification);
    }
  }

  private void write(Buffer notification) {
    sink.send(notification, binary).onSuccess(v -> credit(1));
  }

  @Override
  public boolean writeQueueFull() {
    return sink != null && sink.writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }
}
