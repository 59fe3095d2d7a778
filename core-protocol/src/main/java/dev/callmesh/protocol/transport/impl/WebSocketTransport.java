package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelopes over a WebSocket (SPEC §2): each text message is one envelope, with no length prefix. A
 * binary message, or text that is not an envelope, is answered with {@code bye PROTOCOL} and closes the
 * connection. The message size limit is the WebSocket's own ({@code maxWebSocketMessageSize}), set to
 * the frame limit by whoever made the socket.
 */
public final class WebSocketTransport implements EnvelopeTransport {

  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
  private static final long BYE_LINGER_MS = 1000;

  private final WebSocketBase ws;
  private final String transportName;
  private final int maxFrameBytes;
  private final Context context;
  private Handler<EventEnvelope> handler = e -> { };
  private Handler<Void> closeHandler;
  private volatile boolean closed;
  private final Backlog backlog;
  private final io.vertx.core.Promise<Void> closedPromise = io.vertx.core.Promise.promise();

  /**
   * @param ws an open WebSocket, client or server side; the transport takes over its handlers
   * @param transportName {@code ws} or {@code wss}
   * @param maxFrameBytes the largest envelope sent or accepted
   */
  public WebSocketTransport(WebSocketBase ws, String transportName, int maxFrameBytes) {
    this.ws = ws;
    this.transportName = transportName;
    this.maxFrameBytes = maxFrameBytes;
    this.context = Vertx.currentContext();
    this.backlog = new Backlog(context.owner(), new Backlog.Connection() {
      @Override
      public void pauseReading() {
        ws.pause();
      }

      @Override
      public void resumeReading() {
        ws.resume();
      }

      @Override
      public void bye(ErrorCode code, String message) {
        WebSocketTransport.this.bye(code, message);
      }

      @Override
      public String remoteAddress() {
        return WebSocketTransport.this.remoteAddress();
      }
    }, maxFrameBytes);
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> bye(ErrorCode.PROTOCOL, "binary WebSocket messages are not part of the protocol; send envelopes as text"));
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(this::onException);
  }

  private void onText(String text) {
    if (closed) {
      return;
    }
    try {
      handler.handle(EventEnvelope.decode(Buffer.buffer(text)));
    } catch (ProtocolException e) {
      bye(ErrorCode.PROTOCOL, e.getMessage());
    }
  }

  private void onException(Throwable e) {
    if (e instanceof java.io.IOException) {
      log.debug("WebSocket {} failed: {}", remoteAddress(), e.toString());
    } else {
      log.info("closing WebSocket {}: {}", remoteAddress(), e.toString());
    }
    ws.close();
  }

  private void onClosed() {
    closed = true;
    closedPromise.tryComplete();
    Handler<Void> h = closeHandler;
    closeHandler = null;
    if (h != null) {
      h.handle(null);
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String transportName() {
    return transportName;
  }

  @Override
  public String remoteAddress() {
    SocketAddress a = ws.remoteAddress();
    return a == null ? "unknown" : a.host() + ":" + a.port();
  }

  @Override
  public String remoteHost() {
    SocketAddress a = ws.remoteAddress();
    return a == null ? "unknown" : a.host();
  }

  @Override
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  public Future<Void> sendJson(Buffer json) {
    if (closed) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the connection is closed"));
    }
    if (json.length() > maxFrameBytes) {
      return Future.failedFuture(CallException.of(ErrorCode.RESOURCE_EXHAUSTED,
          "message of " + json.length() + " bytes is over the frame limit of " + maxFrameBytes
              + " bytes; ask for less at a time"));
    }
    return backlog.count(write(json), json.length());
  }

  @Override
  public EnvelopeTransport handler(Handler<EventEnvelope> handler) {
    this.handler = handler == null ? e -> { } : handler;
    return this;
  }

  @Override
  public EnvelopeTransport closeHandler(Handler<Void> handler) {
    if (closed && handler != null) {
      context.runOnContext(v -> handler.handle(null));
    } else {
      this.closeHandler = handler;
    }
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public EnvelopeTransport drainHandler(Handler<Void> handler) {
    ws.drainHandler(handler);
    return this;
  }

  @Override
  public void closeWith(EventEnvelope last) {
    if (closed) {
      return;
    }
    closed = true; // onText ignores whatever still arrives
    write(last.encode()).onComplete(ar -> ws.close());
    // A plain close waits for the backlog to flush; a peer that does not read is cut off after a moment.
    context.owner().setTimer(BYE_LINGER_MS, t -> forceClose());
  }

  private void forceClose() {
    if (ws instanceof io.vertx.core.internal.http.WebSocketInternal internal) {
      // Below the pipeline: Vert.x's own handlers would turn a close into one that waits for the flush.
      io.netty.channel.Channel channel = internal.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
    } else {
      ws.close();
    }
  }

  /** Writes one text message; a WebSocket that closed meanwhile fails the future instead of throwing. */
  private Future<Void> write(Buffer json) {
    try {
      return ws.writeTextMessage(json.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalStateException closedMeanwhile) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the connection is closed"));
    }
  }

  @Override
  public Future<Void> close() {
    return ws.close();
  }

  @Override
  public Future<Void> closed() {
    return closedPromise.future();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }
}
