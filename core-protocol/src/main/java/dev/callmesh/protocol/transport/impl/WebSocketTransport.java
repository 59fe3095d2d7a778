package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Envelopes over a WebSocket (docs/PROTOCOL.md, "Frames"): each text message is one envelope, with no length prefix. A
 * binary message, or text that is not an envelope, is answered with {@code bye PROTOCOL} and closes the
 * connection. The message size limit is the WebSocket's own ({@code maxWebSocketMessageSize}), set to
 * the frame limit by whoever made the socket.
 */
public final class WebSocketTransport extends AbstractTransport {

  private final WebSocketBase ws;

  /**
   * @param ws an open WebSocket, client or server side; the transport takes over its handlers
   * @param transportName {@code ws} or {@code wss}
   * @param maxFrameBytes the largest envelope sent or accepted
   * @param jsonLimits the bounds on the JSON of each message read
   */
  public WebSocketTransport(WebSocketBase ws, String transportName, int maxFrameBytes, JsonLimits jsonLimits) {
    super(transportName, maxFrameBytes, jsonLimits);
    this.ws = ws;
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> violation("binary WebSocket messages are not part of the protocol; send envelopes as text"));
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(this::onException);
  }

  private void onText(String text) {
    if (ignoring()) {
      return;
    }
    try {
      dispatch(Buffer.buffer(text));
    } catch (ProtocolException e) {
      violation(e.getMessage());
    }
  }

  @Override
  Future<Void> write(Buffer json) {
    try {
      return ws.writeTextMessage(json.toString(StandardCharsets.UTF_8));
    } catch (IllegalStateException closedMeanwhile) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the connection is closed"));
    }
  }

  @Override
  SocketAddress peer() {
    return ws.remoteAddress();
  }

  @Override
  Future<Void> closeGracefully() {
    return ws.close();
  }

  @Override
  void closeNow() {
    if (ws instanceof WebSocketInternal internal) {
      io.netty.channel.Channel channel = internal.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
    } else {
      ws.close();
    }
  }

  @Override
  public void pauseReading() {
    ws.pause();
  }

  @Override
  public void resumeReading() {
    ws.resume();
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
}
