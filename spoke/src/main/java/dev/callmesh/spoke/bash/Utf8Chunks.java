package dev.callmesh.spoke.bash;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a byte stream that arrives in arbitrary pieces as UTF-8: a character split across two pieces
 * comes out whole with the second piece. Bytes that are not UTF-8 become U+FFFD. Never yields more
 * characters than it was given bytes (plus the at most 3 held back from the piece before).
 */
final class Utf8Chunks {

  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private byte[] held = new byte[0];

  /**
   * @param bytes the buffer
   * @param off where the piece starts
   * @param len how many bytes it has
   * @return the text of every complete character so far; an incomplete one at the end is held back
   */
  String decode(byte[] bytes, int off, int len) {
    ByteBuffer in;
    if (held.length == 0) {
      in = ByteBuffer.wrap(bytes, off, len);
    } else {
      in = ByteBuffer.allocate(held.length + len);
      in.put(held).put(bytes, off, len).flip();
    }
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.decode(in, out, false);
    held = new byte[in.remaining()];
    in.get(held);
    return out.flip().toString();
  }

  /** @return the text of what was held back (U+FFFD for an incomplete character); the decoder is then reset */
  String finish() {
    ByteBuffer in = ByteBuffer.wrap(held);
    CharBuffer out = CharBuffer.allocate(held.length + 2);
    decoder.decode(in, out, true);
    decoder.flush(out);
    decoder.reset();
    held = new byte[0];
    return out.flip().toString();
  }
}
