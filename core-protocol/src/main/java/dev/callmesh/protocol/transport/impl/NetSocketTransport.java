package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.frame.FrameDecoder;
import dev.callmesh.protocol.frame.FrameEncoder;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** Length-prefixed frames over a {@link NetSocket} (TCP or TLS). */
public final class NetSocketTransport implements EnvelopeTransport {

  private static final long BYE_LINGER_MS = 1000;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NetSocketTransport.class);

  private final NetSocket socket;
  private final String transportName;
  private final int maxFrameBytes;
  private final FrameDecoder decoder;
  private final Context context;
  private Handler<EventEnvelope> handler = e -> { };
  private Handler<Void> closeHandler;
  private volatile boolean closed;
  private final Backlog backlog;
  private final io.vertx.core.Promise<Void> closedPromise = io.vertx.core.Promise.promise();

  /**
   * @param socket the connected socket
   * @param transportName {@code tcp} or {@code tls}
   * @param maxFrameBytes the largest frame body read or written
   */
  public NetSocketTransport(NetSocket socket, String transportName, int maxFrameBytes) {
    this.socket = socket;
    this.transportName = transportName;
    this.maxFrameBytes = maxFrameBytes;
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.context = Vertx.currentContext();
    this.backlog = new Backlog(context.owner(), new Backlog.Connection() {
      @Override
      public void pauseReading() {
        socket.pause();
      }

      @Override
      public void resumeReading() {
        socket.resume();
      }

      @Override
      public void bye(ErrorCode code, String message) {
        NetSocketTransport.this.bye(code, message);
      }

      @Override
      public String remoteAddress() {
        return NetSocketTransport.this.remoteAddress();
      }
    }, maxFrameBytes);
    socket.handler(this::onBytes);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(this::onException);
  }

  private void onBytes(Buffer chunk) {
    if (closed) {
      return;
    }
    try {
      decoder.feed(chunk, frame -> {
        if (!closed) {
          handler.handle(EventEnvelope.decode(frame));
        }
      });
    } catch (ProtocolException e) {
      bye(ErrorCode.PROTOCOL, e.getMessage());
    }
  }

  private void onException(Throwable e) {
    // An I/O error (reset by peer) is routine; anything else is a bug in a handler: say so, then close.
    if (e instanceof java.io.IOException) {
      log.debug("connection {} failed: {}", remoteAddress(), e.toString());
    } else {
      log.warn("closing connection {} after an unexpected error", remoteAddress(), e);
    }
    socket.close();
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
    SocketAddress a = socket.remoteAddress();
    return a == null ? "unknown" : a.host() + ":" + a.port();
  }

  @Override
  public String remoteHost() {
    SocketAddress a = socket.remoteAddress();
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
    return backlog.count(socket.write(FrameEncoder.frame(json)), json.length());
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
    return socket.writeQueueFull();
  }

  @Override
  public EnvelopeTransport drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }

  @Override
  public void closeWith(EventEnvelope last) {
    if (closed) {
      return;
    }
    Buffer json = last.encode();
    socket.write(FrameEncoder.frame(json)).onComplete(ar -> socket.close());
    // A peer that does not read must not keep the socket open: a plain close would wait for the
    // backlog to flush, so after a moment the channel is closed outright, dropping what is unsent.
    context.owner().setTimer(BYE_LINGER_MS, t -> forceClose());
    closed = true;
    socket.handler(null);
  }

  @Override
  public Future<Void> close() {
    return socket.close();
  }

  private void forceClose() {
    if (socket instanceof io.vertx.core.internal.net.NetSocketInternal internal) {
      // Below the pipeline: Vert.x's own handlers would turn a close into one that waits for the flush.
      io.netty.channel.Channel channel = internal.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
    } else {
      socket.close();
    }
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
