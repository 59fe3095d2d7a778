package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.jsonrpc.JsonRpc;
import dev.callmesh.hub.impl.jsonrpc.JsonRpcMessage;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What the two JSON-RPC edges ({@link JsonRpcSocket}, {@link JsonRpcPost}) share: a message's members run
 * concurrently and answered in one response (an array for a batch, in request order, notifications left
 * out), and each request made a {@link JsonRpcCall} handed to a {@link HubRouter}, the same path as every
 * other call into the hub (allow lists, call rate, limits, deadlines, audit line, metrics).
 */
abstract class JsonRpcEdge {

  private static final AtomicLong ids = new AtomicLong();

  final HubAcceptor hub;
  final Routing routing;
  final BooleanSupplier shuttingDown;

  JsonRpcEdge(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown) {
    this.hub = hub;
    this.routing = routing;
    this.shuttingDown = shuttingDown;
  }

  /**
   * Answers one request of a message.
   *
   * @param started collects the subscriptions it starts, to be told when their id has been written
   * @return a future of the response, or of {@code null} when none is due
   */
  abstract Future<Buffer> request(JsonRpcMessage.Request r, boolean binary, List<JsonRpcCall> started);

  /**
   * Runs a message's members concurrently.
   *
   * @return a future of its response: the one answer, or the array of a batch's answers; {@code null} when
   *     nothing is to be answered (only notifications)
   */
  final Future<Buffer> run(JsonRpcMessage message, boolean binary, List<JsonRpcCall> started) {
    if (message.whole() != null) {
      return Future.succeededFuture(JsonRpc.error(null, message.whole()));
    }
    List<Future<Buffer>> answers = new ArrayList<>(message.members().size());
    for (JsonRpcMessage.Member m : message.members()) {
      answers.add(m instanceof JsonRpcMessage.Request r ? request(r, binary, started)
          : Future.succeededFuture(JsonRpc.error(m.id(), ((JsonRpcMessage.Invalid) m).error())));
    }
    return Future.join(answers).transform(ar -> Future.succeededFuture(assemble(message, answers)));
  }

  /** @return the response of the message: within the frame limit, what does not fit answered RESOURCE_EXHAUSTED */
  private Buffer assemble(JsonRpcMessage message, List<Future<Buffer>> answers) {
    int max = hub.options.getMaxFrameBytes();
    List<Buffer> out = new ArrayList<>();
    long total = 2;
    for (int i = 0; i < answers.size(); i++) {
      Future<Buffer> a = answers.get(i);
      Buffer answer = a.succeeded() ? a.result() : JsonRpc.error(message.members().get(i).id(),
          JsonRpc.Error.of(CallException.of(ErrorCode.INTERNAL, "the request failed: " + a.cause())));
      if (answer == null) {
        continue;
      }
      if (total + answer.length() + 1 > max) {
        answer = JsonRpc.error(message.members().get(i).id(), JsonRpc.Error.of(CallException.of(
            ErrorCode.RESOURCE_EXHAUSTED, "the answer is over the frame limit of " + max + " bytes; ask for less at a time")));
      }
      total += answer.length() + 1;
      out.add(answer);
    }
    if (!message.batch()) {
      return out.isEmpty() ? null : out.get(0);
    }
    return out.isEmpty() ? null : JsonRpc.array(out);
  }

  /** @return the answer to a request refused before it ran: the error, or {@code null} for a notification */
  static Future<Buffer> refuse(JsonRpcMessage.Request r, CallException e) {
    return Future.succeededFuture(r.isNotification() ? null : JsonRpc.error(r.id(), JsonRpc.Error.of(e)));
  }

  /**
   * Hands a request to the router as the caller.
   *
   * @param collect whether a subscription's outputs are collected into its result (POST) or notified (WebSocket)
   * @param sink where notifications go
   * @param subscription makes the id of a subscription notified on the sink
   * @param onEnd run when the call ends
   * @return the call, already handed over
   */
  final JsonRpcCall call(HubConnection caller, JsonRpcMessage.Request r, boolean collect, boolean binary,
                         JsonRpcCall.Sink sink, java.util.function.Supplier<String> subscription, Runnable onEnd) {
    JsonRpcCall.Mode mode = !isSubscription(r.method()) ? JsonRpcCall.Mode.QUERY
        : r.isNotification() ? JsonRpcCall.Mode.DROP : collect ? JsonRpcCall.Mode.COLLECT : JsonRpcCall.Mode.NOTIFY;
    JsonRpcCall call = new JsonRpcCall("rpc-" + ids.incrementAndGet(), r.method(), r.params(), r.id(), mode,
        mode == JsonRpcCall.Mode.NOTIFY ? subscription.get() : null, binary, sink, onEnd);
    new HubRouter(routing, caller).handle(call);
    call.started();
    return call;
  }

  /** @return the failure before a call runs: shutting down, or params that are not an object; else {@code null} */
  final CallException precheck(JsonRpcMessage.Request r) {
    if (shuttingDown.getAsBoolean()) {
      return CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment");
    }
    if (r.params() == null) {
      return CallException.of(ErrorCode.INVALID_INPUT, "\"params\" must be an object: the operation's input");
    }
    return null;
  }

  /** @return whether the operation is a subscription, as far as the hub knows now (it looks, it does not route) */
  private boolean isSubscription(String op) {
    OperationSpec spec;
    if (op.startsWith("/services/") || op.startsWith("/hub/")) {
      spec = routing.localOperations().spec(op);
    } else {
      int slash = op.indexOf('/', 1);
      if (!op.startsWith("/") || slash < 0) {
        return false;
      }
      String name = op.substring(1, slash);
      var route = routing.targets().routes().get(name);
      if (route == null) {
        List<dev.callmesh.hub.RoutingTable.Route> members = routing.targets().members(name);
        route = members.isEmpty() ? null : members.get(0);
      }
      spec = route == null ? null : route.info().operation(op.substring(slash));
    }
    return spec != null && spec.opType() == OperationType.SUBSCRIPTION;
  }

  /**
   * @return the identity of the token, also allowed to connect from the host (its {@code from=} patterns);
   *     failed with a {@link CallException} (UNAUTHENTICATED, FORBIDDEN, or UNAVAILABLE before the keys load)
   */
  final Future<Principal> identify(String token, String host) {
    return hub.auth.verifyToken(token).recover(err -> Future.failedFuture(err instanceof CallException ce ? ce
            : CallException.of(err instanceof AuthException ae ? ae.code() : ErrorCode.UNAUTHENTICATED, err.getMessage())))
        .compose(p -> p.key().mayConnectFrom(host) ? Future.succeededFuture(p)
            : Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "identity " + p.id() + " may not connect from " + host)));
  }
}
