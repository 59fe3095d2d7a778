package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * A call that arrived over HTTP, answered on its response: {@code 200 {"output":..}} or
 * {@code {"error":..}} with its status for {@code /v1/call} (in the format the request asked for, see
 * {@link HttpAnswer}); {@code text/event-stream} events ({@code responded}, {@code completed}, {@code error}) for
 * {@code /v1/stream}, never compressed. The answer carries the call's {@code traceparent} header. The client closing the
 * request aborts the call. For streams, each event written credits the upstream call by one, so a slow
 * HTTP reader holds the spoke back instead of filling the hub's memory.
 */
final class HttpCall extends EdgeCall {

  /** The window a stream over HTTP asks the spoke for. */
  static final int STREAM_WINDOW = 64;

  private final HttpAnswer answer;
  private final HttpServerResponse response;
  private final boolean sse;

  HttpCall(HttpServerResponse response, String id, JsonObject payload, boolean sse, Runnable onEnd) {
    this(HttpAnswer.plainJson(response), response, id, payload, sse, onEnd);
  }

  /**
   * @param answer how its JSON answer is written (the request's format, its idempotency capture)
   * @param response the response it is answered on
   * @param id its id: the request's {@code X-Request-Id}, which the audit line shows
   * @param payload the call's payload
   * @param sse whether it is answered as a {@code text/event-stream}
   * @param onEnd run once when it ends
   */
  HttpCall(HttpAnswer answer, HttpServerResponse response, String id, JsonObject payload, boolean sse, Runnable onEnd) {
    super(id, payload, onEnd);
    this.answer = answer;
    this.response = response;
    this.sse = sse;
    if (sse) {
      payload.put("window", STREAM_WINDOW);
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("Content-Encoding", "identity") // never compressed: each event must reach the client at once
          .putHeader("X-Accel-Buffering", "no");
    }
    response.closeHandler(v -> endAndAbort(CallException.of(ErrorCode.ABORTED, "the HTTP client went away")));
  }

  /**
   * Sets the {@code traceparent} header of the answer (the hub's, of this call), then {@link #open}s it.
   *
   * @param traceparent a valid traceparent header
   */
  void traceparent(String traceparent) {
    if (!response.headWritten()) {
      response.putHeader(TraceParent.METADATA_KEY, traceparent);
    }
    open();
  }

  /** Starts a stream's answer (its head and a comment line), so the client sees it has begun; else nothing. */
  void open() {
    if (sse && !isDone() && !response.headWritten()) {
      response.write(": callmesh stream " + id() + "\n\n");
    }
  }

  @Override
  public void reply(Object output) {
    if (sse) {
      emit(output);
      complete();
    } else if (end(null)) {
      // A spoke's output (RawJson) goes into the body as it came, without being decoded.
      answer.end(200, Buffer.buffer("{\"output\":").appendBuffer(json(output)).appendString("}"));
    }
  }

  /** @return the JSON text of an output; a raw one as it came */
  private static Buffer json(Object output) {
    return output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
  }

  /** @return the output as one line of JSON, as an SSE {@code data:} field needs */
  private static String line(Object output) {
    String text = json(output).toString();
    // JSON keeps line breaks only as white space between tokens: a multi-line output is re-encoded compactly
    return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : Json.encode(((RawJson) output).decode());
  }

  @Override
  public void emit(Object output) {
    if (!sse) {
      // A plain call resolves on the first output; the rest of a stream is not wanted.
      reply(output);
      abortUpstream(CallException.of(ErrorCode.ABORTED, "an HTTP call takes only the first output"));
      return;
    }
    if (!isDone()) {
      response.write("event: responded\ndata: " + line(output) + "\n\n").onSuccess(v -> credit(1));
    }
  }

  @Override
  public void complete() {
    if (!end(null)) {
      return;
    }
    if (sse) {
      response.end("event: completed\ndata: {}\n\n");
    } else {
      answer.end(200, new JsonObject().put("output", (Object) null));
    }
  }

  @Override
  public void fail(CallException error) {
    if (!end(error)) {
      return;
    }
    if (sse) {
      response.end("event: error\ndata: " + error.toPayload().encode() + "\n\n");
    } else {
      answer.error(HttpStatus.of(error), error);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
    return this;
  }

}
