package dev.callmesh.protocol.transport.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.msgpack.MsgPack;
import dev.callmesh.protocol.transport.WebSocketClose;
import dev.callmesh.protocol.transport.WebSocketMessages;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelopes over a WebSocket (docs/PROTOCOL.md, "Frames"): each text message is one envelope, with no length
 * prefix; each binary message is one envelope encoded as MessagePack ({@link MsgPack}). Once the peer has sent
 * a binary message, every envelope sent from then on is binary too. Text that is not an envelope, or bad
 * MessagePack, is answered with {@code bye PROTOCOL} and closes the connection. The message size limit is
 * the WebSocket's own ({@code maxWebSocketMessageSize}), set to the frame limit by whoever made the socket;
 * a message over it is answered with {@code bye PROTOCOL}, and its JSON may not be over it either.
 * <p>
 * After a last envelope ({@code bye}, {@code auth.denied}) the close frame carries the close code of its
 * error code ({@link WebSocketClose#of}) and its message as the reason; 1009 for a message too big.
 */
public final class WebSocketTransport extends AbstractTransport {

  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);

  private final WebSocketBase ws;
  /** Whether envelopes are sent as MessagePack: the peer sent one so. */
  private boolean binary;
  /** The close code to send after the last envelope instead of the one its error code says, or 0. */
  private short closeCode;

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
    ws.binaryMessageHandler(this::onBinary);
    ws.closeHandler(v -> {
      Short code = ws.closeStatusCode();
      if (code != null && code != WebSocketClose.NORMAL) {
        log.debug("WebSocket {} closed with {} {}", remoteAddress(), code, ws.closeReason());
      }
      onClosed();
    });
    ws.exceptionHandler(e -> {
      if (WebSocketClose.isTooBig(e)) {
        tooBig();
      } else {
        onException(e);
      }
    });
  }

  /** @return the close code the peer sent or the connection ended with (1006 without one), {@code null} while open */
  public Short closeStatusCode() {
    return ws.isClosed() ? ws.closeStatusCode() : null; // Vert.x's own throws while the socket is open
  }

  /** @return the reason of the peer's close frame, or {@code null} */
  public String closeReason() {
    return ws.closeReason();
  }

  private void tooBig() {
    if (!ignoring()) {
      closeCode = WebSocketClose.TOO_BIG;
      violation("a message was over the frame limit of " + maxFrameBytes() + " bytes");
    }
  }

  private void onBinary(Buffer msgpack) {
    if (ignoring()) {
      return;
    }
    Buffer json;
    try {
      json = MsgPack.toJson(msgpack, jsonLimits(), maxFrameBytes());
    } catch (MsgPack.TooLargeException e) {
      tooBig();
      return;
    } catch (ProtocolException e) {
      violation(e.getMessage());
      return;
    }
    binary = true;
    try {
      dispatch(json);
    } catch (ProtocolException e) {
      violation(e.getMessage());
    }
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
      if (binary) {
        return WebSocketMessages.writeBinary(ws, MsgPack.fromJson(json));
      }
      return WebSocketMessages.writeText(ws, json.toString(StandardCharsets.UTF_8));
    } catch (IllegalStateException closedMeanwhile) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the connection is closed"));
    } catch (ProtocolException notEncodable) {
      return Future.failedFuture(CallException.of(ErrorCode.INTERNAL, notEncodable.getMessage()));
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
  Future<Void> closeAfterLast(EventEnvelope last) {
    Object code = last.scalar("code");
    short status = closeCode != 0 ? closeCode : WebSocketClose.of(code instanceof String c ? c : null);
    Object message = last.scalar("message");
    return ws.close(status, WebSocketClose.reason(message instanceof String m ? m : last.type()));
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
