package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1/fanout/{operation}?spokes=GLOB&label=K=V&...&timeoutMs=N&concurrency=N}, body = the input every
 * spoke is sent: a call of {@code /hub/fanout} made over HTTP. The query is checked before anything runs (a bad
 * glob, label or number is {@code 400 INVALID_INPUT} naming it). The answer is {@code 200 {"results":[..]}} once
 * every spoke has answered, or, when {@code Accept} asks for {@code text/event-stream}, an SSE stream with one
 * {@code event: responded} per spoke as it answers and {@code event: completed} at the end.
 *
 * @param payload the {@code call.requested} payload of the {@code /hub/fanout} call
 * @param sse whether the answer is an event stream
 * @param response where the answer goes
 * @param answer how a JSON answer is written (in the format the request asked for, kept for its Idempotency-Key)
 * @param maxBytes the most bytes of results collected for a JSON answer
 */
record HttpFanout(JsonObject payload, boolean sse, HttpServerResponse response, HttpAnswer answer, long maxBytes) {

  /**
   * Reads a fan-out request. On a bad one, answers it (400) and returns {@code null}.
   *
   * @param ctx the request, its path after {@code /v1/fanout} the spoke-relative operation
   * @param body its body as read, or {@code null} when that was answered as invalid already
   * @param maxBytes the most bytes of results a JSON answer collects
   * @return the fan-out to route, or {@code null}
   */
  static HttpFanout of(RoutingContext ctx, JsonObject body, long maxBytes) {
    if (body == null) {
      return null;
    }
    JsonObject input;
    try {
      input = input(ctx, body);
      FanoutRequest.parse(input);
    } catch (CallException e) {
      HttpAnswer.of(ctx).error(HttpStatus.of(e), e);
      return null;
    }
    String accept = ctx.request().getHeader("Accept");
    boolean sse = accept != null && accept.contains("text/event-stream");
    return new HttpFanout(new JsonObject().put("operationId", Fanout.PATH).put("input", input), sse, ctx.response(),
        HttpAnswer.of(ctx), maxBytes);
  }

  /** @return the input of {@code /hub/fanout} that the query and body ask for */
  static JsonObject input(RoutingContext ctx, JsonObject body) {
    JsonObject target = new JsonObject();
    String spokes = ctx.request().getParam("spokes");
    if (spokes != null) {
      target.put("spokes", spokes);
    }
    List<String> labels = ctx.queryParam("label");
    if (!labels.isEmpty()) {
      JsonObject want = new JsonObject();
      for (String label : labels) {
        int eq = label.indexOf('=');
        if (eq < 0) {
          throw CallException.of(ErrorCode.INVALID_INPUT, "label '" + cut(label) + "' is not KEY=VALUE; write label=role=ci");
        }
        want.put(label.substring(0, eq), label.substring(eq + 1));
      }
      target.put("labels", want);
    }
    JsonObject input = new JsonObject().put("target", target).put("operation", "/" + ctx.pathParam("*")).put("input", body);
    number(ctx, "timeoutMs", input);
    number(ctx, "concurrency", input);
    return input;
  }

  private static void number(RoutingContext ctx, String name, JsonObject input) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return;
    }
    if (!v.matches("\\d{1,12}")) {
      throw CallException.of(ErrorCode.INVALID_INPUT, name + "='" + cut(v) + "' is not a whole number");
    }
    input.put(name, Long.parseLong(v));
  }

  private static String cut(String s) {
    return (s.length() > 64 ? s.substring(0, 64) + "..." : s).replaceAll("\\p{Cntrl}", "?");
  }

  /**
   * @param id the call's request id
   * @param onEnd run once when the call ends
   * @return the call that answers the request: an SSE {@link HttpCall}, or one that collects the results
   */
  InboundCall call(String id, Runnable onEnd) {
    return sse ? new HttpCall(answer, response, id, payload, true, onEnd) : new Results(this, id, onEnd);
  }

  /**
   * The fan-out answered as one JSON body: entries are collected (at most {@code maxBytes} of them, past which
   * the fan-out is stopped and the answer is RESOURCE_EXHAUSTED saying to ask for an event stream), then sent as
   * {@code {"results":[..]}}. The client closing the request aborts the fan-out.
   */
  private static final class Results extends EdgeCall {

    private final HttpFanout fanout;
    private final Buffer body = Buffer.buffer().appendString("{\"results\":[");
    private int count;

    Results(HttpFanout fanout, String id, Runnable onEnd) {
      super(id, fanout.payload, onEnd);
      this.fanout = fanout;
      fanout.response.closeHandler(v -> endAndAbort(CallException.of(ErrorCode.ABORTED, "the HTTP client went away")));
    }

    @Override
    public void reply(Object output) {
      emit(output);
      complete();
    }

    @Override
    public void emit(Object output) {
      if (isDone()) {
        return;
      }
      Buffer entry = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
      if (body.length() + entry.length() + 2 > fanout.maxBytes) {
        CallException tooMuch = CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the results of this fan-out are over "
            + fanout.maxBytes + " bytes after " + count + " spokes; ask with Accept: text/event-stream to get them"
            + " as they come, or target fewer spokes");
        fail(tooMuch);
        abortUpstream(tooMuch);
        return;
      }
      if (count++ > 0) {
        body.appendString(",");
      }
      body.appendBuffer(entry);
    }

    @Override
    public void complete() {
      if (end(null)) {
        fanout.answer.end(200, body.appendString("]}"));
      }
    }

    @Override
    public void fail(CallException error) {
      if (end(error)) {
        fanout.answer.error(HttpStatus.of(error), error);
      }
    }

    @Override
    public boolean writeQueueFull() {
      return false; // collected in memory, within maxBytes
    }

    @Override
    public InboundCall drainHandler(Handler<Void> handler) {
      return this;
    }

  }
}
