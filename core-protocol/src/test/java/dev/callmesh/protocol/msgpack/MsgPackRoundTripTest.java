package dev.callmesh.protocol.msgpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/** MessagePack to JSON and back: values survive, bin becomes base64, and bad or oversized input is refused. */
class MsgPackRoundTripTest {

  static final JsonLimits LIMITS = JsonLimits.DEFAULTS;

  private static Buffer packed(Packing p) throws IOException {
    MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
    p.pack(packer);
    return Buffer.buffer(packer.toByteArray());
  }

  interface Packing {
    void pack(MessageBufferPacker p) throws IOException;
  }

  @Test
  void everyJsonValueSurvivesTheRoundTrip() {
    JsonObject value = new JsonObject().put("s", "h\u00e9llo \"q\"\n").put("i", 42).put("neg", -7).put("l", 1L << 40)
        .put("d", 2.5).put("t", true).put("f", false).putNull("n").put("empty", new JsonObject())
        .put("a", new JsonArray().add(1).add("two").add(new JsonArray()).add(new JsonObject().put("x", new JsonArray().add(3))));
    Buffer msgpack = MsgPack.fromJson(value.toBuffer());
    assertEquals(value, new JsonObject(MsgPack.toJson(msgpack, LIMITS, 1 << 20)));
    assertEquals(new JsonArray().add(1).add(2), new JsonArray(MsgPack.toJson(
        MsgPack.fromJson(Buffer.buffer("[1,2]")), LIMITS, 1024)));
    assertEquals("7", MsgPack.toJson(MsgPack.fromJson(Buffer.buffer("7")), LIMITS, 1024).toString());
  }

  @Test
  void fromJsonWritesMessagePackThatTheReferenceDecoderReads() throws IOException {
    Buffer msgpack = MsgPack.fromJson(Buffer.buffer("{\"a\":[1,\"b\",null],\"big\":18446744073709551615,\"huge\":1e400}"));
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(msgpack.getBytes())) {
      Value v = u.unpackValue();
      assertTrue(v.isMapValue(), v.toString());
      assertEquals(3, v.asMapValue().map().get(org.msgpack.value.ValueFactory.newString("a")).asArrayValue().size());
      assertEquals(new BigInteger("18446744073709551615"),
          v.asMapValue().map().get(org.msgpack.value.ValueFactory.newString("big")).asIntegerValue().asBigInteger());
      assertTrue(!u.hasNext(), "one value, nothing after it");
    }
  }

  @Test
  void binBecomesABase64String() throws IOException {
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10};
    Buffer msgpack = packed(p -> {
      p.packMapHeader(1).packString("content");
      p.packBinaryHeader(bytes.length).writePayload(bytes);
    });
    JsonObject json = new JsonObject(MsgPack.toJson(msgpack, LIMITS, 1024));
    assertArrayEquals(bytes, Base64.getDecoder().decode(json.getString("content")));
  }

  @Test
  void extValuesTrailingBytesAndCutShortInputAreRefused() throws IOException {
    Buffer ext = packed(p -> p.packExtensionTypeHeader((byte) 5, 2).writePayload(new byte[] {1, 2}));
    assertTrue(assertThrows(ProtocolException.class, () -> MsgPack.toJson(ext, LIMITS, 1024))
        .getMessage().contains("ext"));
    Buffer two = packed(p -> p.packInt(1).packInt(2));
    assertTrue(assertThrows(ProtocolException.class, () -> MsgPack.toJson(two, LIMITS, 1024))
        .getMessage().contains("exactly one MessagePack value"));
    Buffer cut = packed(p -> p.packArrayHeader(3).packInt(1));
    assertThrows(ProtocolException.class, () -> MsgPack.toJson(cut, LIMITS, 1024));
    assertThrows(ProtocolException.class, () -> MsgPack.toJson(Buffer.buffer(), LIMITS, 1024));
    assertThrows(ProtocolException.class, () -> MsgPack.toJson(Buffer.buffer(new byte[] {(byte) 0xc1}), LIMITS, 1024),
        "0xc1 is never used in MessagePack");
  }

  @Test
  void nestingPastTheDepthLimitIsRefused() throws IOException {
    Buffer deep = packed(p -> {
      for (int i = 0; i < 40; i++) {
        p.packArrayHeader(1);
      }
      p.packInt(0);
    });
    assertTrue(assertThrows(ProtocolException.class, () -> MsgPack.toJson(deep, LIMITS.withMaxDepth(32), 1 << 20))
        .getMessage().contains("deeper"));
    assertEquals(40 * 2 + 1, MsgPack.toJson(deep, LIMITS.withMaxDepth(40), 1 << 20).length());
  }

  @Test
  void jsonLargerThanTheLimitIsRefusedAsTooLarge() throws IOException {
    byte[] bin = new byte[3000]; // 4000 characters of base64
    Buffer msgpack = packed(p -> p.packBinaryHeader(bin.length).writePayload(bin));
    assertThrows(MsgPack.TooLargeException.class, () -> MsgPack.toJson(msgpack, LIMITS, 3999));
    assertEquals(4002, MsgPack.toJson(msgpack, LIMITS, 4002).length(), "the quotes and the base64 fit exactly");
  }
}
