package dev.callmesh.protocol.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonReader} reads what Vert.x's Jackson codec read before it, and refuses what it refused. */
class JsonReaderTest {

  private static Object vertx(String json) throws Exception {
    return JacksonCodec.fromParser(new JsonFactory().createParser(json.getBytes(StandardCharsets.UTF_8)), Object.class);
  }

  private static Object read(String json) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    // inside a bigger array, as a frame's payload is: the value must not be read past its end
    byte[] framed = new byte[b.length + 20];
    java.util.Arrays.fill(framed, (byte) '"');
    System.arraycopy(b, 0, framed, 10, b.length);
    return JsonCodec.decodeValue(framed, 10, b.length, JsonLimits.DEFAULTS);
  }

  private static List<String> texts() {
    List<String> t = new ArrayList<>();
    String x = "x".repeat(300);
    for (int len : new int[] {0, 1, JsonWriter.LONG_STRING - 1, JsonWriter.LONG_STRING, JsonWriter.LONG_STRING + 1, 300}) {
      String s = x.substring(0, len);
      t.add("\"" + s + "\"");
      t.add("{\"k\":\"" + s + "\",\"n\":1}");
      t.add("[\"" + s + "\", \"" + s + "\"]");
      for (String special : new String[] {"\\\"", "\\\\", "\\n", "\\u0041", "\u00e9", "\u65e5", "\ud83d\ude00"}) {
        for (int at : new int[] {0, Math.min(7, len), Math.min(8, len), len / 2, len}) {
          t.add("{\"s\":\"" + s.substring(0, at) + special + s.substring(at) + "\"}");
        }
      }
    }
    Random r = new Random(3);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 65_536; i++) {
      char c = (char) (0x20 + r.nextInt(0x5f));
      big.append(c == '"' || c == '\\' ? 'q' : c);
    }
    t.add("{\"data\":\"" + big + "\"}");
    t.add("{\"a\":{\"b\":[1,2.5,-3e10,12345678901234,123456789012345678901234567890,true,false,null,{}]},\"c\":[]}");
    t.add("{\"dup\":1,\"dup\":2}");
    t.add("  {\"spaced\" :  \"" + x + "\"  }  ");
    return t;
  }

  @Test
  void valuesAreReadAsVertxReadsThem() throws Exception {
    for (String json : texts()) {
      Object expected = vertx(json);
      Object got = read(json);
      assertEquals(expected, got, () -> json.substring(0, Math.min(120, json.length())));
      assertEquals(expected == null ? null : expected.getClass(), got == null ? null : got.getClass());
    }
  }

  @Test
  void whatVertxRefusedIsRefused() {
    String x = "x".repeat(100);
    for (String bad : new String[] {"{\"s\":\"" + x + "\u0001\"}", "{\"s\":\"" + x, "{\"s\":\"" + x + "\"", "[1,]",
        "{\"a\":1} {}", "\"" + x + "\" 1", "{\"s\":\"" + x + "\"} \"" + x + "\"", "", "nul"}) {
      assertThrows(Exception.class, () -> vertx(bad), bad);
      assertThrows(ProtocolException.class, () -> JsonCodec.decodeValue(Buffer.buffer(bad), JsonLimits.DEFAULTS), bad);
    }
  }

  @Test
  void aLongStringKeepsTheStringLimit() {
    JsonLimits small = JsonLimits.DEFAULTS.withMaxStringLength(1024);
    String ok = "{\"s\":\"" + "y".repeat(1024) + "\"}";
    String over = "{\"s\":\"" + "y".repeat(1025) + "\"}";
    assertEquals("y".repeat(1024), ((JsonObject) JsonCodec.decodeValue(Buffer.buffer(ok), small)).getString("s"));
    ProtocolException e = assertThrows(ProtocolException.class, () -> JsonCodec.decodeValue(Buffer.buffer(over), small));
    assertTrue(e.getMessage().contains("String value length"), e.getMessage());
  }

  @Test
  void nestedObjectsAndArraysAreVertxTypes() {
    Object v = JsonCodec.decodeValue(Buffer.buffer("{\"o\":{\"s\":\"" + "z".repeat(80) + "\"},\"a\":[1]}"), JsonLimits.DEFAULTS);
    JsonObject o = (JsonObject) v;
    assertEquals("z".repeat(80), o.getJsonObject("o").getString("s"));
    assertEquals(new JsonArray().add(1), o.getJsonArray("a"));
  }

  @Test
  void aByteOrderMarkAndOtherEncodingsAreReadAsJacksonDetectsThem() throws Exception {
    // Input whose first four bytes are plain ASCII skips Jackson's look at them; the rest keeps it.
    for (String json : new String[] {"{\"k\":\"v\"}", "[1,2]", "\"\u00e9t\u00e9\"", "1", "12", "true", "{}",
        "{\"\u00e9\":1}", " {\"spaced\":[]}"}) {
      Object expected = vertx(json);
      byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
      byte[] bom = new byte[utf8.length + 3];
      bom[0] = (byte) 0xEF;
      bom[1] = (byte) 0xBB;
      bom[2] = (byte) 0xBF;
      System.arraycopy(utf8, 0, bom, 3, utf8.length);
      for (byte[] bytes : new byte[][] {utf8, bom, json.getBytes(StandardCharsets.UTF_16BE),
          json.getBytes(StandardCharsets.UTF_16LE), json.getBytes(StandardCharsets.UTF_16)}) {
        assertEquals(expected, JsonCodec.decodeValue(bytes, 0, bytes.length, JsonLimits.DEFAULTS), json);
      }
    }
  }
}
