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
   * Writes made while the event loop handles other connections' reads (a relay answering many calls)
   * are flushed together once it is done, in one system call, instead of one flush per envelope.
   */
  private static void consolidateFlushes(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
      if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(FlushConsolidationHandler.class) == null) {
        pipeline.addBefore(VERTX_HANDLER, "flushConsolidation", new FlushConsolidationHandler(
            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
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
