package dev.callmesh.protocol.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.callmesh.protocol.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link JsonWriter} writes what Vert.x's Jackson codec wrote before it, byte for byte. */
class JsonWriterTest {

  enum Colour { RED }

  private static String jackson(Object value) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      JacksonCodec.encodeJson(value, g);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String written(Object value) {
    ByteBuf out = Unpooled.buffer();
    JsonWriter.append(out, value);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<String> strings() {
    List<String> s = new ArrayList<>(List.of("", "a", "plain", "with \"quotes\"", "back\\slash", "line\nbreak",
        "tab\there", "\u0001\u001f\u007f", "caf\u00e9", "\u65e5\u672c", "\ud83d\ude00 emoji", "/slash/"));
    String base = "x".repeat(200);
    for (int len : new int[] {JsonWriter.LONG_STRING - 1, JsonWriter.LONG_STRING, JsonWriter.LONG_STRING + 1, 200}) {
      s.add(base.substring(0, len));
      for (char special : new char[] {'"', '\\', '\n', '\u0000', '\u001f', '\u00e9', '\u65e5'}) {
        for (int at : new int[] {0, 7, 8, 15, len / 2, len - 1}) {
          StringBuilder b = new StringBuilder(base.substring(0, len));
          b.setCharAt(at, special);
          s.add(b.toString());
        }
      }
    }
    Random r = new Random(7);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 65_536; i++) {
      big.append((char) (0x20 + r.nextInt(0x5f)));
    }
    s.add(big.toString());
    return s;
  }

  @Test
  void stringsAreEscapedAsJacksonEscapesThem() throws Exception {
    for (String s : strings()) {
      assertEquals(jackson(s), written(s), () -> "string of " + s.length() + ": " + s.substring(0, Math.min(80, s.length())));
      assertEquals(jackson(new JsonObject().put(s, s)), written(new JsonObject().put(s, s)));
    }
  }

  @Test
  void surrogatesPairedOrNotAreEscapedAsJacksonEscapesThem() throws Exception {
    // FuzzIT sent a path with a high surrogate alone: the hub's error message about it must still encode.
    for (String s : List.of("\ud83d.", "a\ud83d", "\ude00", "\ud83d\ude00 emoji " + "z".repeat(100) + "\ud83d\ude00",
        "z".repeat(100) + "\ud83d" + "z".repeat(100), "?".repeat(70) + "\ude00", "what? " + "z".repeat(70), "\ud83d\ud83d")) {
      assertEquals(jackson(s), written(s));
      assertEquals(jackson(new JsonObject().put("k" + s, s)), written(new JsonObject().put("k" + s, s)));
    }
  }

  @Test
  void valuesOfEveryKindAreWrittenAsBefore() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("n", null);
    map.put("list", List.of(1, "two", 3.5));
    List<Object> values = List.of(0, -1, Integer.MAX_VALUE, Long.MIN_VALUE, (short) 7, (byte) -3, 1.0, 0.1, -0.0, 1e300,
        Double.NaN, Double.POSITIVE_INFINITY, 1.5f, Float.NaN, new BigDecimal("1.000"), new BigInteger("123456789012345678901234567890"),
        true, false, new byte[] {1, 2, 3}, Buffer.buffer("buf"), Instant.ofEpochSecond(1_700_000_000L, 5), Colour.RED,
        TimeUnit.SECONDS, map,
        new JsonObject().put("a", new JsonArray().add(1).add(new JsonObject().put("b", "c")).addNull()).put("d", false),
        new JsonArray(), new JsonObject());
    for (Object v : values) {
      assertEquals(jackson(v), written(v), () -> v.getClass() + " " + v);
    }
    assertEquals("null", written(null));
  }

  @Test
  void rawJsonIsWrittenAsItsBytesWherever() {
    RawJson raw = RawJson.encode(new JsonObject().put("k", 1));
    assertEquals("{\"r\":{\"k\":1},\"l\":[{\"k\":1}]}",
        written(new JsonObject().put("r", raw).put("l", new JsonArray().add(raw))));
  }
}
