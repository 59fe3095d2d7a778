package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonTokenId;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.json.DecodeException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON value into what Vert.x's {@code JacksonCodec.fromParser} makes of it (maps, lists, strings,
 * numbers, booleans, {@code null}), through the same Jackson parser and limits, with one shortcut: a long
 * string of printable ASCII without escapes becomes a {@link String} straight from its bytes. Jackson
 * decodes a string a byte at a time into its own buffers and copies them once more into the string, which
 * made most of the cost of reading a call carrying 64 KiB (docs/PERFORMANCE.md); the parser then skips the
 * string's bytes.
 */
final class JsonReader {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private JsonReader() {
  }

  /**
   * @param bytes the UTF-8 text, the value at {@code offset}
   * @return the value
   * @throws IOException when it is not valid JSON or breaks a limit
   */
  static Object read(byte[] bytes, int offset, int length, JsonLimits limits) throws IOException {
    try (JsonParser p = JsonCodec.parser(bytes, offset, length, limits)) {
      p.nextToken();
      Object value = new Values(p, bytes, offset, offset + length, limits.maxStringLength()).any();
      if (p.nextToken() != null) {
        throw new DecodeException("Unexpected trailing token");
      }
      return value;
    }
  }

  /** The values of one text. */
  private record Values(JsonParser p, byte[] bytes, int offset, int end, int maxString) {

    Object any() throws IOException {
      switch (p.currentTokenId()) {
        case JsonTokenId.ID_START_OBJECT:
          return object();
        case JsonTokenId.ID_START_ARRAY:
          return array();
        case JsonTokenId.ID_STRING:
          return string();
        case JsonTokenId.ID_NUMBER_FLOAT:
        case JsonTokenId.ID_NUMBER_INT:
          return p.getNumberValue();
        case JsonTokenId.ID_TRUE:
          return Boolean.TRUE;
        case JsonTokenId.ID_FALSE:
          return Boolean.FALSE;
        case JsonTokenId.ID_NULL:
          return null;
        default:
          throw new DecodeException("Unexpected token");
      }
    }

    private Map<String, Object> object() throws IOException {
      LinkedHashMap<String, Object> map = new LinkedHashMap<>();
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        p.nextToken();
        map.put(key, any());
      }
      return map;
    }

    private List<Object> array() throws IOException {
      List<Object> list = new ArrayList<>();
      for (int id = nextId(); id != JsonTokenId.ID_END_ARRAY; id = nextId()) {
        list.add(any());
      }
      return list;
    }

    private int nextId() throws IOException {
      p.nextToken();
      return p.currentTokenId();
    }

    private String string() throws IOException {
      int quote = offset + (int) p.currentTokenLocation().getByteOffset();
      if (quote >= offset && quote < end && bytes[quote] == '"') {
        int close = firstSpecial(bytes, quote + 1, end);
        int n = close - quote - 1;
        if (close < end && bytes[close] == '"' && n >= JsonWriter.LONG_STRING && n <= maxString) {
          return new String(bytes, quote + 1, n, StandardCharsets.ISO_8859_1);
        }
      }
      return p.getText();
    }
  }

  /**
   * @return the index of the first byte in {@code [from, to)} that is a quote, a backslash, a control
   *     character or not ASCII; {@code to} when there is none
   */
  static int firstSpecial(byte[] bytes, int from, int to) {
    int i = from;
    for (int n = to - 7; i < n; i += 8) {
      long x = (long) LONGS.get(bytes, i);
      long q = x ^ ONES * '"';
      long b = x ^ ONES * '\\';
      // Each term flags its first match exactly (a borrow only runs upwards from a match), and bytes at or above
      // 0x80 are flagged by x itself: the lowest flag is the first special byte.
      long found = ((x - ONES * 0x20) & ~x | (q - ONES) & ~q | (b - ONES) & ~b | x) & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte c = bytes[i];
      if (c < 0x20 || c == '"' || c == '\\') { // a byte at or above 0x80 is negative
        return i;
      }
    }
    return to;
  }
}
