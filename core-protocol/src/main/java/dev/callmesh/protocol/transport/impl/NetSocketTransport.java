package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.frame.FrameDecoder;
import dev.callmesh.protocol.frame.FrameEncoder;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** Length-prefixed frames over a {@link NetSocket} (TCP, TLS, or an SSH tunnel's loopback socket). */
public final class NetSocketTransport extends AbstractTransport {

  private final NetSocket socket;
  private final FrameDecoder decoder;

  /**
   * @param socket the connected socket; the transport takes over its handlers
   * @param transportName {@code tcp}, {@code tls} or {@code ssh}
   * @param maxFrameBytes the largest frame body read or written
   */
  public NetSocketTransport(NetSocket socket, String transportName, int maxFrameBytes) {
    super(transportName, maxFrameBytes);
    this.socket = socket;
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.handler(this::onBytes);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(this::onException);
  }

  private void onBytes(Buffer chunk) {
    if (ignoring()) {
      return;
    }
    try {
      decoder.feed(chunk, frame -> dispatch(EventEnvelope.decode(frame)));
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
