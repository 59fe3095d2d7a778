package dev.callmesh.protocol.transport;

import dev.callmesh.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * The WebSocket close codes callmesh uses (docs/PROTOCOL.md, "WebSocket close codes"), and the one that
 * goes with the error code of a {@code bye} or {@code auth.denied}, so a browser that sees only the close
 * event still learns why:
 *
 * <pre>
 * 1000 NORMAL          an orderly close (ABORTED: replaced by a newer connection, the peer said goodbye)
 * 1001 GOING_AWAY      the hub is shutting down or not ready (UNAVAILABLE)
 * 1008 POLICY          the peer broke the protocol (PROTOCOL, and bad MessagePack)
 * 1009 TOO_BIG         a message over the frame limit
 * 1011 INTERNAL        an internal error (INTERNAL, and any code not listed here)
 * 1013 TRY_AGAIN_LATER a limit was hit: too many connections, a peer that does not read (RESOURCE_EXHAUSTED)
 * 3000 UNAUTHENTICATED no valid credentials, also a handshake that timed out (UNAUTHENTICATED)
 * 3003 FORBIDDEN       a refused source address, a spoke name the key is not granted (FORBIDDEN)
 * </pre>
 */
public final class WebSocketClose {

  /** An orderly close. */
  public static final short NORMAL = 1000;
  /** The hub is shutting down. */
  public static final short GOING_AWAY = 1001;
  /** The peer broke the protocol. */
  public static final short POLICY = 1008;
  /** A message was over the frame limit. */
  public static final short TOO_BIG = 1009;
  /** An internal error. */
  public static final short INTERNAL = 1011;
  /** A limit was hit; try again later. */
  public static final short TRY_AGAIN_LATER = 1013;
  /** No valid credentials, or none in time. */
  public static final short UNAUTHENTICATED = 3000;
  /** Authenticated, but not allowed this connection. */
  public static final short FORBIDDEN = 3003;

  /** The longest close reason a close frame carries, in UTF-8 bytes. */
  public static final int MAX_REASON_BYTES = 123;

  private WebSocketClose() {
  }

  /**
   * @param code the wire string of an error code, or {@code null} for an orderly close
   * @return the close code that tells it
   */
  public static short of(String code) {
    ErrorCode c = ErrorCode.fromWire(code);
    if (code == null || c == ErrorCode.ABORTED) {
      return NORMAL;
    }
    if (c == null) {
      return INTERNAL;
    }
    return switch (c) {
      case UNAVAILABLE -> GOING_AWAY;
      case PROTOCOL, INVALID_INPUT, NOT_FOUND -> POLICY;
      case RESOURCE_EXHAUSTED -> TRY_AGAIN_LATER;
      case UNAUTHENTICATED -> UNAUTHENTICATED;
      case FORBIDDEN -> FORBIDDEN;
      default -> INTERNAL;
    };
  }

  /**
   * @param error what a WebSocket reported
   * @return whether it says a message or frame was over the limit: Vert.x's message aggregation reports
   *     an {@link IllegalStateException}, Netty's frame decoder a corrupted frame of status 1009
   */
  public static boolean isTooBig(Throwable error) {
    if (error instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null && c.closeStatus().code() == TOO_BIG;
    }
    return error instanceof io.netty.handler.codec.TooLongFrameException
        || (error instanceof IllegalStateException && String.valueOf(error.getMessage()).contains("max message size"));
  }

  /**
   * @param message a message for a person
   * @return the message cut to fit a close frame ({@value #MAX_REASON_BYTES} bytes of UTF-8), on a character
   *     boundary; {@code ""} for {@code null}
   */
  public static String reason(String message) {
    if (message == null) {
      return "";
    }
    if (message.length() * 3 <= MAX_REASON_BYTES || message.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return message;
    }
    StringBuilder b = new StringBuilder();
    int bytes = 3; // room for the ellipsis
    for (int i = 0; i < message.length(); ) {
      int cp = message.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > MAX_REASON_BYTES) {
        break;
      }
      b.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return b.append('\u2026').toString();
  }
}
