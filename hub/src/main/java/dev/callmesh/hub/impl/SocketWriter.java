package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.msgpack.MsgPack;
import dev.callmesh.protocol.transport.WebSocketMessages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * Writes JSON messages on a WebSocket, as text or as MessagePack, and bounds what waits unsent: past
 * 8 MiB the socket is no longer read (a peer that does not read its answers cannot send more requests)
 * until below 2 MiB, and past the hard bound the peer is a slow consumer and {@code slowConsumer} runs.
 * Confined to the socket's context.
 */
final class SocketWriter {

  private static final long PAUSE_BYTES = 8L * 1024 * 1024;
  private static final long RESUME_BYTES = 2L * 1024 * 1024;

  private final ServerWebSocket ws;
  private final long maxUnsent;
  private final Runnable slowConsumer;
  private long unsent;
  private boolean paused;

  /**
   * @param ws the socket
   * @param maxUnsent the most bytes that may wait unsent
   * @param slowConsumer run when more wait
   */
  SocketWriter(ServerWebSocket ws, long maxUnsent, Runnable slowConsumer) {
    this.ws = ws;
    this.maxUnsent = maxUnsent;
    this.slowConsumer = slowConsumer;
  }

  /** @return a future completed once the message is handed to the operating system; failed when the socket is closed */
  Future<Void> send(Buffer json, boolean binary) {
    if (ws.isClosed()) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the WebSocket is closed"));
    }
    Future<Void> written;
    int size;
    try {
      if (binary) {
        Buffer packed = MsgPack.fromJson(json);
        size = packed.length();
        written = WebSocketMessages.writeBinary(ws, packed);
      } else {
        size = json.length();
        written = WebSocketMessages.writeText(ws, json.toString(StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    unsent += size;
    written.onComplete(ar -> {
      unsent -= size;
      if (paused && unsent < RESUME_BYTES) {
        paused = false;
        ws.resume();
      }
    });
    if (unsent > maxUnsent) {
      slowConsumer.run();
    } else if (!paused && unsent > PAUSE_BYTES) {
      paused = true;
      ws.pause();
    }
    return written;
  }
}
