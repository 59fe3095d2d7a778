package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.frame.FrameDecoder;
import dev.callmesh.protocol.frame.FrameEncoder;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** Length-prefixed frames over a {@link NetSocket} (TCP, TLS, or an SSH tunnel's loopback socket). */
public final class NetSocketTransport extends AbstractTransport {

  /** The name Vert.x gives its handler in a socket's pipeline. */
  private static final String VERTX_HANDLER = "handler";

  /**
   * The most envelopes written to one socket, outside a read of that socket, that wait for one flush.
   * Netty's default, 256, held a whole burst (64 calls a relay passed on from another loop) until the
   * last was made, so the hub, the spoke and the caller worked on a burst in turn rather than at once;
   * 16 keeps their work overlapping for a few more system calls (docs/PERFORMANCE.md).
   */
  static final int FLUSH_AT_LEAST_EVERY = 16;

  private final NetSocket socket;
  private final FrameDecoder decoder;

  /**
   * @param socket the connected socket; the transport takes over its handlers
   * @param transportName {@code tcp}, {@code tls} or {@code ssh}
   * @param maxFrameBytes the largest frame body read or written
   * @param jsonLimits the bounds on the JSON of each frame read
   */
  public NetSocketTransport(NetSocket socket, String transportName, int maxFrameBytes, JsonLimits jsonLimits) {
    super(transportName, maxFrameBytes, jsonLimits);
    this.socket = socket;
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.handler(this::onBytes);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(this::onException);
    consolidateFlushes(socket);
  }

  /**
   * Writes made while the event loop handles other connections' reads or other tasks (a relay answering
   * many calls) are flushed together once it is done, in one system call, instead of one flush per
   * envelope; but at least every {@link #FLUSH_AT_LEAST_EVERY} envelopes, so that the peer can start on
   * the first of a long run while the rest are still being made.
   */
  private static void consolidateFlushes(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
      if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(FlushConsolidationHandler.class) == null) {
        pipeline.addBefore(VERTX_HANDLER, "flushConsolidation", new FlushConsolidationHandler(FLUSH_AT_LEAST_EVERY, true));
      }
    }
  }

  private void onBytes(Buffer chunk) {
    if (ignoring()) {
      return;
    }
    try {
      decoder.feed(chunk, this::dispatch);
    } catch (ProtocolException e) {
      violation(e.getMessage());
    }
  }

  @Override
  Future<Void> write(Buffer json) {
    return socket.write(FrameEncoder.frame(json));
  }

  @Override
  SocketAddress peer() {
    return socket.remoteAddress();
  }

  @Override
  Future<Void> closeGracefully() {
    return socket.close();
  }

  @Override
  void closeNow() {
    if (socket instanceof NetSocketInternal internal) {
      io.netty.channel.Channel channel = internal.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
    } else {
      socket.close();
    }
  }

  @Override
  public void pauseReading() {
    socket.pause();
  }

  @Override
  public void resumeReading() {
    socket.resume();
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
}
