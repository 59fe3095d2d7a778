package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonTokenId;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.json.DecodeException;
import java.io.IOException;
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
        int close = AsciiScan.firstSpecial(bytes, quote + 1, end);
        int n = close - quote - 1;
        if (close < end && bytes[close] == '"' && n >= JsonWriter.LONG_STRING && n <= maxString) {
          return new String(bytes, quote + 1, n, StandardCharsets.ISO_8859_1);
        }
      }
      return p.getText();
    }
  }
}
