package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.callmesh.protocol.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON values as Vert.x's {@link JacksonCodec} does, byte for byte, straight into a buffer: objects,
 * arrays, maps, lists, strings, whole numbers, finite doubles and floats, booleans and {@code null}, and a
 * {@link RawJson} as its bytes. Any other value (a non-finite or big number, bytes, an instant, an enum)
 * goes through a Jackson generator, as before.
 *
 * <p>Why: Jackson's generator escapes a string a character at a time through its own buffers, which made
 * most of the cost of a call carrying 64 KiB (docs/PERFORMANCE.md). A long ASCII string here is encoded
 * with {@link String#getBytes} (a copy, for a Latin-1 string) and checked for characters to escape eight
 * bytes at a time.
 */
final class JsonWriter {

  private static final JsonFactory GENERATORS = new JsonFactory();
  /** Strings shorter than this are checked a character at a time: no copy is worth it. */
  static final int LONG_STRING = 64;

  private JsonWriter() {
  }

  /** Appends the JSON text of a value. */
  static void append(ByteBuf out, Object value) {
    if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof JsonObject o) {
      object(out, o.getMap());
    } else if (value instanceof JsonArray a) {
      array(out, a.getList());
    } else if (value instanceof Map<?, ?> m) {
      object(out, m);
    } else if (value instanceof List<?> l) {
      array(out, l);
    } else if (value instanceof RawJson raw) {
      JsonCodec.appendBuffer(out, raw.bytes());
    } else if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte) {
      out.writeCharSequence(String.valueOf(value), StandardCharsets.US_ASCII);
    } else if (value instanceof Double d && Double.isFinite(d)) {
      out.writeCharSequence(Double.toString(d), StandardCharsets.US_ASCII);
    } else if (value instanceof Float f && Float.isFinite(f)) {
      out.writeCharSequence(Float.toString(f), StandardCharsets.US_ASCII);
    } else {
      generated(out, value);
    }
  }

  private static void object(ByteBuf out, Map<?, ?> map) {
    out.writeByte('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        out.writeByte(',');
      }
      first = false;
      string(out, (String) e.getKey());
      out.writeByte(':');
      append(out, e.getValue());
    }
    out.writeByte('}');
  }

  private static void array(ByteBuf out, List<?> list) {
    out.writeByte('[');
    for (int i = 0, n = list.size(); i < n; i++) {
      if (i > 0) {
        out.writeByte(',');
      }
      append(out, list.get(i));
    }
    out.writeByte(']');
  }

  /** Appends a JSON string: quotes around the escaped text, as Jackson's generator escapes it. */
  static void string(ByteBuf out, String s) {
    if (s.length() < LONG_STRING) {
      if (plainAscii(s)) {
        out.writeByte('"').writeCharSequence(s, StandardCharsets.US_ASCII);
        out.writeByte('"');
        return;
      }
    } else {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      // One byte per char: ASCII, or a surrogate alone, which the encoder made a '?' (then look at the chars).
      if (utf8.length == s.length() && AsciiScan.firstSpecial(utf8, 0, utf8.length) == utf8.length
          && (!AsciiScan.has(utf8, '?') || plainAscii(s))) {
        out.writeByte('"').writeBytes(utf8).writeByte('"');
        return;
      }
    }
    if (hasSurrogate(s)) {
      // The generator escapes each surrogate, paired or alone; the string encoder refuses one alone.
      generated(out, s);
    } else {
      out.writeByte('"').writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s)).writeByte('"');
    }
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean plainAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static void generated(ByteBuf out, Object value) {
    try (JsonGenerator g = GENERATORS.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out))) {
      JacksonCodec.encodeJson(value, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
