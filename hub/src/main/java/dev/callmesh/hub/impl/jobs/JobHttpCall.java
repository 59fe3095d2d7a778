package dev.callmesh.hub.impl.jobs;

import dev.callmesh.hub.impl.EdgeCall;
import dev.callmesh.hub.impl.HttpStatus;
import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A job operation called over HTTP, answered on the request's response ({@link JobRoutes}): the output as the
 * body ({@code 200}, or {@code 202} with {@code Location} for a start), or for a watch a
 * {@code text/event-stream} with one {@code event: responded} per output ({@code id:} its seq, data
 * {@code {"seq","output"}}), then {@code event: completed} or {@code event: error}. A watch's stream opens
 * with its first event or after {@value #OPEN_AFTER_MS} ms, whichever comes first, so a watch that fails at
 * once (an unknown job) is answered with its status and a JSON error like any other request; an open stream
 * gets a comment every {@value #KEEPALIVE_MS} ms so that proxies keep it. Closing the request ends the watch.
 * Outputs wait while the response's write queue is full: the watch then reads them again later.
 */
final class JobHttpCall extends EdgeCall {

  /** How a successful call is answered. */
  enum Answer {
    /** {@code 202} with {@code Location: /v1/jobs/{id}}, the output as the body. */
    CREATED,
    /** {@code 200}, the output as the body. */
    JSON,
    /** A {@code text/event-stream} of the outputs. */
    EVENTS
  }

  static final long OPEN_AFTER_MS = 300;
  static final long KEEPALIVE_MS = 15_000;

  private final HttpServerResponse response;
  private final HttpAnswer json;
  private final Vertx vertx;
  private final Answer answer;
  private boolean open;
  private long timer = -1;

  JobHttpCall(RoutingContext ctx, String id, JsonObject payload, Answer answer, Runnable onEnd) {
    super(id, payload, onEnd);
    this.response = ctx.response();
    this.json = HttpAnswer.of(ctx);
    this.vertx = ctx.vertx();
    this.answer = answer;
    if (answer == Answer.EVENTS) {
      timer = vertx.setTimer(OPEN_AFTER_MS, t -> {
        timer = -1;
        openStream();
      });
    }
    response.closeHandler(v -> endAndAbort(CallException.of(ErrorCode.ABORTED, "the HTTP client went away")));
  }

  private void openStream() {
    if (open || isDone() || response.ended()) {
      return;
    }
    open = true;
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Encoding", "identity") // never compressed: each event must reach the client at once
        .putHeader("X-Accel-Buffering", "no");
    response.write(": callmesh job events " + input().getString("job") + "\n\n");
    timer = vertx.setPeriodic(KEEPALIVE_MS, t -> {
      if (!isDone()) {
        response.write(": keep-alive\n\n");
      }
    });
  }

  @Override
  public void reply(Object output) {
    if (answer == Answer.EVENTS) {
      emit(output);
      complete();
      return;
    }
    if (!end(null)) {
      return;
    }
    Buffer body = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
    int status = 200;
    if (answer == Answer.CREATED && output instanceof JsonObject o && o.getString("job") != null) {
      status = 202;
      response.putHeader("Location", "/v1/jobs/" + o.getString("job"));
    }
    json.end(status, body); // in the format the request asked for; kept for its Idempotency-Key
  }

  @Override
  public void emit(Object output) {
    if (answer != Answer.EVENTS) {
      reply(output);
      return;
    }
    if (isDone()) {
      return;
    }
    openStream();
    // {"seq","output"}: decoded for its seq, and written again on one line, as an SSE data field needs
    JsonObject event = (JsonObject) (output instanceof RawJson raw ? raw.decode() : output);
    response.write("id: " + event.getLong("seq") + "\nevent: responded\ndata: " + event.encode() + "\n\n");
  }

  @Override
  public void complete() {
    if (!end(null)) {
      return;
    }
    if (answer == Answer.EVENTS) {
      openStream();
      response.end("event: completed\ndata: {}\n\n");
    } else {
      json.end(200, Buffer.buffer("null"));
    }
  }

  @Override
  public void fail(CallException error) {
    if (!end(error) || response.ended()) {
      return;
    }
    if (open) {
      response.end("event: error\ndata: " + error.toPayload().encode() + "\n\n");
    } else {
      if (error.is(ErrorCode.UNAUTHENTICATED)) {
        response.putHeader("WWW-Authenticate", "Bearer realm=\"callmesh\"");
      }
      json.error(HttpStatus.of(error), error);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public JobHttpCall drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
    return this;
  }

  /** {@inheritDoc} The stream's timer stops. */
  @Override
  protected boolean end(CallException outcome) {
    if (!super.end(outcome)) {
      return false;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return true;
  }
}
