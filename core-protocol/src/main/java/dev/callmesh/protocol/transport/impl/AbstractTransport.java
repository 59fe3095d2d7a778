package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every envelope transport shares: the handlers, the close bookkeeping, the frame limit on what is
 * sent, the bound on what waits unsent ({@link Backlog}), and a last envelope before closing that does
 * not wait forever for a peer that does not read. Subclasses say how bytes are written and read.
 * Must be created on the connection's context, where its state lives; sending and closing from another
 * thread hop there first.
 */
abstract class AbstractTransport implements EnvelopeTransport, Backlog.Connection {

  private static final long BYE_LINGER_MS = 1000;
  private static final Logger log = LoggerFactory.getLogger(AbstractTransport.class);

  private final String transportName;
  private final int maxFrameBytes;
  private final JsonLimits jsonLimits;
  private final Context context;
  private final Backlog backlog;
  private final Promise<Void> closedPromise = Promise.promise();
  private Handler<EventEnvelope> handler = e -> { };
  private Handler<Void> closeHandler;
  private volatile boolean closed;

  AbstractTransport(String transportName, int maxFrameBytes, JsonLimits jsonLimits) {
    this.transportName = transportName;
    this.maxFrameBytes = maxFrameBytes;
    this.jsonLimits = java.util.Objects.requireNonNull(jsonLimits, "jsonLimits");
    this.context = Vertx.currentContext();
    this.backlog = new Backlog(context.owner(), this, maxFrameBytes);
  }

  /** Writes one envelope's JSON as the wire wants it; a closed connection fails the future. */
  abstract Future<Void> write(Buffer json);

  /** @return the peer's address, or {@code null} */
  abstract SocketAddress peer();

  /** Closes once what was written has been flushed. */
  abstract Future<Void> closeGracefully();

  /** Closes at once, dropping what is unsent (below Vert.x's pipeline, which would wait for the flush). */
  abstract void closeNow();

  /**
   * Closes once the last envelope ({@code bye}, {@code auth.denied}) has been written: gracefully, unless a
   * transport has a way to say why (a WebSocket's close code).
   */
  Future<Void> closeAfterLast(EventEnvelope last) {
    return closeGracefully();
  }

  /** @return whether we stopped reading after a violation or a last envelope */
  final boolean ignoring() {
    return closed;
  }

  /**
   * Reads one frame within the limits and hands the envelope to the handler.
   *
   * @throws dev.callmesh.protocol.ProtocolException when the frame is not an envelope within the limits
   */
  final void dispatch(Buffer frame) {
    if (!closed) {
      handler.handle(EventEnvelope.decode(frame, jsonLimits));
    }
  }

  /** The peer broke the protocol: {@code bye PROTOCOL} and close. */
  final void violation(String message) {
    bye(ErrorCode.PROTOCOL, message);
  }

  final void onException(Throwable e) {
    // An I/O error (reset by peer, a TLS alert such as a refused client certificate, which Netty wraps in a
    // DecoderException) is routine: the side that waits on the connection reports it. Anything else is a
    // bug in a handler: say so, then close.
    if (e instanceof java.io.IOException || e.getCause() instanceof javax.net.ssl.SSLException) {
      log.debug("connection {} failed: {}", remoteAddress(), e.toString());
    } else {
      log.warn("closing connection {} after an unexpected error", remoteAddress(), e);
    }
    closeGracefully();
  }

  final void onClosed() {
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
    SocketAddress a = peer();
    return a == null ? "unknown" : a.host() + ":" + a.port();
  }

  @Override
  public String remoteHost() {
    SocketAddress a = peer();
    return a == null ? "unknown" : a.host();
  }

  @Override
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** @return whether the caller runs on this connection's context, where its state lives */
  private boolean onContext() {
    return Vertx.currentContext() == context && Context.isOnEventLoopThread();
  }

  @Override
  public JsonLimits jsonLimits() {
    return jsonLimits;
  }

  @Override
  public Future<Void> sendJson(Buffer json) {
    if (!onContext()) {
      // Hop first: the backlog is the context's, and what is sent keeps the order the context saw.
      Promise<Void> sent = Promise.promise();
      context.runOnContext(v -> sendJson(json).onComplete(sent));
      return sent.future();
    }
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
  public void bye(ErrorCode code, String message) {
    closeWith(EventEnvelope.bye(code, message));
  }

  @Override
  public void closeWith(EventEnvelope last) {
    if (!onContext()) {
      // Hop first: what the context was asked to send before this goes out before the last envelope.
      context.runOnContext(v -> closeWith(last));
      return;
    }
    if (closed) {
      return;
    }
    closed = true; // nothing more is read or sent
    write(last.encode()).onComplete(ar -> closeAfterLast(last));
    // A peer that does not read must not keep the connection open: cut it off after a moment.
    context.owner().setTimer(BYE_LINGER_MS, t -> closeNow());
  }

  @Override
  public Future<Void> close() {
    if (!onContext()) {
      Promise<Void> closing = Promise.promise();
      context.runOnContext(v -> closeGracefully().onComplete(closing));
      return closing.future();
    }
    return closeGracefully();
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
