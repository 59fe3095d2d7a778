package dev.callmesh.protocol.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * Writes one WebSocket message as frames of at most {@link #FRAME_BYTES} bytes, whatever frame size the
 * socket itself accepts: the hub accepts a whole message in one frame (as browsers send them) while its
 * peers, spokes among them, may accept no frame over 64 KiB. Call it on the socket's context: the frames
 * of one message then go out together, never mixed with another's.
 */
public final class WebSocketMessages {

  /** The largest frame written: 64 KiB. */
  public static final int FRAME_BYTES = 65536;
  /** Characters per text frame: at most 4 bytes of UTF-8 each, so a frame stays within {@link #FRAME_BYTES}. */
  private static final int FRAME_CHARS = FRAME_BYTES / 4;

  private WebSocketMessages() {
  }

  /** @return a future completed once the whole text message is written (failed as the socket fails it) */
  public static Future<Void> writeText(WebSocketBase ws, String text) {
    if (text.length() <= FRAME_CHARS) {
      return ws.writeFrame(WebSocketFrame.textFrame(text, true));
    }
    int end = cut(text, 0);
    ws.writeFrame(WebSocketFrame.textFrame(text.substring(0, end), false));
    while (true) {
      int start = end;
      end = cut(text, start);
      boolean last = end == text.length();
      Future<Void> written = ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(text.substring(start, end)), last));
      if (last) {
        return written;
      }
    }
  }

  /** @return a future completed once the whole binary message is written */
  public static Future<Void> writeBinary(WebSocketBase ws, Buffer data) {
    if (data.length() <= FRAME_BYTES) {
      return ws.writeFrame(WebSocketFrame.binaryFrame(data, true));
    }
    ws.writeFrame(WebSocketFrame.binaryFrame(data.slice(0, FRAME_BYTES), false));
    for (int start = FRAME_BYTES; ; start += FRAME_BYTES) {
      int end = Math.min(data.length(), start + FRAME_BYTES);
      Future<Void> written = ws.writeFrame(WebSocketFrame.continuationFrame(data.slice(start, end), end == data.length()));
      if (end == data.length()) {
        return written;
      }
    }
  }

  /** @return the end of the frame that starts at {@code start}: {@link #FRAME_CHARS} on, never inside a surrogate pair */
  private static int cut(String text, int start) {
    int end = Math.min(text.length(), start + FRAME_CHARS);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }
}
