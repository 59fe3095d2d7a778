package dev.callmesh.hub.impl.mcp;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;

/**
 * A {@code text/event-stream} response carrying JSON-RPC messages, one per event ({@code data:} of one line of
 * JSON, no event name, which SSE reads as {@code message}). What it holds is bounded by the connection's write
 * queue: {@link #offer} refuses a message while the queue is full instead of buffering it, {@link #send} waits
 * with the message's sender. {@link #ping} writes a comment, which keeps proxies from closing an idle stream.
 * Used on the context of its request.
 */
final class SseStream {

  private final HttpServerResponse response;
  private boolean closed;

  /**
   * Starts the stream: status 200 and its headers.
   *
   * @param response the response to stream on
   * @param onGone run once when the client goes away before the stream has ended
   */
  SseStream(HttpServerResponse response, Runnable onGone) {
    this.response = response;
    response.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Encoding", "identity") // never compressed: each event must reach the client at once
        .putHeader("X-Accel-Buffering", "no");
    response.endHandler(v -> closed = true);
    response.closeHandler(v -> {
      if (!closed) {
        closed = true;
        onGone.run();
      }
    });
  }

  /** @return the response, e.g. to set a header before anything was written */
  HttpServerResponse response() {
    return response;
  }

  /** @return whether the stream has ended or its client has gone */
  boolean isClosed() {
    return closed || response.ended() || response.closed();
  }

  /**
   * Writes a message unless the connection's write queue is full.
   *
   * @param json one JSON-RPC message, as JSON text
   * @return whether it was written
   */
  boolean offer(String json) {
    if (isClosed() || response.writeQueueFull()) {
      return false;
    }
    response.write(event(json));
    return true;
  }

  /**
   * Writes a message, however full the write queue is: for a sender that waits for the returned future
   * before it sends again, so that at most one of its messages is queued.
   *
   * @return a future completed once the message was written (failed when the stream has closed)
   */
  Future<Void> send(String json) {
    if (isClosed()) {
      return Future.failedFuture("the stream has closed");
    }
    return response.write(event(json));
  }

  /** Writes a comment, unless the write queue is full (then the stream is not idle anyway). */
  void ping() {
    if (!isClosed() && !response.writeQueueFull()) {
      response.write(": ping\n\n");
    }
  }

  /** @param handler called when the write queue has room again */
  void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  /**
   * Ends the stream, after a last message when there is one.
   *
   * @param json the last JSON-RPC message, or {@code null}
   */
  void end(String json) {
    if (!isClosed()) {
      if (json == null) {
        response.end();
      } else {
        response.end(event(json));
      }
    }
  }

  private static String event(String json) {
    return "data: " + json + "\n\n";
  }
}
