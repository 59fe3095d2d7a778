package dev.callmesh.protocol.msgpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** MessagePack to JSON and back, as the WebSocket edges transcode: values, bin, and what is refused. */
class MsgPackTest {

  private static final int MAX = 1 << 20;

  private interface Pack {
    void into(MessageBufferPacker p) throws IOException;
  }

  private static Buffer pack(Pack body) throws IOException {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      body.into(p);
      return Buffer.buffer(p.toByteArray());
    }
  }

  private static Object json(Buffer msgpack) {
    return io.vertx.core.json.Json.decodeValue(MsgPack.toJson(msgpack, JsonLimits.DEFAULTS, MAX));
  }

  @Test
  void anEnvelopeBecomesTheSameJsonAndBinBecomesBase64() throws IOException {
    byte[] bin = {0, 1, 2, (byte) 0xff, 10};
    Buffer m = pack(p -> {
      p.packMapHeader(3).packString("type").packString("call.requested").packString("id").packString("r-1");
      p.packString("payload").packMapHeader(2).packString("operationId").packString("/dev1/fs/writeFile");
      p.packString("input").packMapHeader(6).packString("content").packBinaryHeader(bin.length).writePayload(bin);
      p.packString("n").packLong(-5_000_000_000L).packString("f").packDouble(1.5).packString("t").packBoolean(true);
      p.packString("nil").packNil().packString("a").packArrayHeader(2).packInt(1).packString("ü");
    });
    JsonObject env = (JsonObject) json(m);
    JsonObject input = env.getJsonObject("payload").getJsonObject("input");
    assertEquals("call.requested", env.getString("type"));
    assertEquals(Base64.getEncoder().encodeToString(bin), input.getString("content"));
    assertEquals(-5_000_000_000L, input.getLong("n"));
    assertEquals(1.5, input.getDouble("f"));
    assertEquals(true, input.getBoolean("t"));
    assertTrue(input.containsKey("nil") && input.getValue("nil") == null);
    assertEquals(new JsonArray().add(1).add("ü"), input.getJsonArray("a"));
  }

  @Test
  void jsonToMessagePackAndBackIsTheSameValue() {
    JsonObject v = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("result",
        new JsonObject().put("s", "x\"\n\u0001").put("big", Long.MAX_VALUE).put("neg", -1).put("d", 0.25)
            .put("list", new JsonArray().add(new JsonObject()).add(new JsonArray()).addNull().add(false)));
    Buffer packed = MsgPack.fromJson(v.toBuffer());
    assertTrue(packed.length() < v.toBuffer().length(), "MessagePack is the smaller");
    assertEquals(v, json(packed));
    assertEquals(new JsonArray().add(1).add("a"), json(MsgPack.fromJson(Buffer.buffer("[1,\"a\"]"))));
    assertEquals("scalar", json(MsgPack.fromJson(Buffer.buffer("\"scalar\""))));
  }

  @Test
  void numberKeysBecomeTheirDecimalText() throws IOException {
    Buffer m = pack(p -> p.packMapHeader(1).packInt(42).packString("answer"));
    assertEquals(new JsonObject().put("42", "answer"), json(m));
  }

  @Test
  void badMessagePackIsAProtocolError() throws IOException {
    Buffer truncated = pack(p -> p.packMapHeader(2).packString("type").packString("x"));
    assertThrows(ProtocolException.class, () -> json(truncated), "a map that ends early");
    assertThrows(ProtocolException.class, () -> json(Buffer.buffer(new byte[] {(byte) 0xc1})), "0xc1 is never used");
    assertThrows(ProtocolException.class, () -> json(Buffer.buffer()), "nothing at all");
    Buffer two = pack(p -> p.packInt(1).packInt(2));
    assertThrows(ProtocolException.class, () -> json(two), "two values in one message");
    Buffer ext = pack(p -> p.packMapHeader(1).packString("e").packExtensionTypeHeader((byte) 5, 1).writePayload(new byte[] {1}));
    ProtocolException e = assertThrows(ProtocolException.class, () -> json(ext));
    assertTrue(e.getMessage().contains("extension"), e.getMessage());
    Buffer strLen = Buffer.buffer(new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a'});
    assertThrows(ProtocolException.class, () -> json(strLen), "a str32 claiming 2 GiB is refused without allocating it");
  }

  @Test
  void depthAndSizeAreBounded() throws IOException {
    Buffer deep = pack(p -> {
      for (int i = 0; i < 20; i++) {
        p.packArrayHeader(1);
      }
      p.packInt(0);
    });
    assertThrows(ProtocolException.class, () -> MsgPack.toJson(deep, JsonLimits.DEFAULTS.withMaxDepth(16), MAX));
    assertEquals(Buffer.buffer("[".repeat(20) + "0" + "]".repeat(20)), MsgPack.toJson(deep, JsonLimits.DEFAULTS, MAX));
    // 1,000 control characters are 1,002 bytes of MessagePack and 6,002 of JSON
    Buffer escapes = pack(p -> p.packString("\u0001".repeat(1000)));
    assertThrows(MsgPack.TooLargeException.class, () -> MsgPack.toJson(escapes, JsonLimits.DEFAULTS, 4096));
    assertEquals(6002, MsgPack.toJson(escapes, JsonLimits.DEFAULTS, 6002).length());
    String text = MsgPack.toJson(escapes, JsonLimits.DEFAULTS, 6002).toString(StandardCharsets.UTF_8);
    assertEquals("\u0001".repeat(1000), new JsonArray("[" + text + "]").getString(0));
  }
}
