package dev.callmesh.protocol.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The streaming envelope codec: what it indexes, what it passes on byte for byte, what it refuses. */
class EnvelopeCodecTest {

  private static EventEnvelope read(String json) {
    return EventEnvelope.decode(Buffer.buffer(json));
  }

  @Test
  void readsHeaderFieldsWithoutDecodingThePayload() {
    EventEnvelope e = read("{\"payload\" : { \"input\" : {\"a\":[1,2,{\"b\":\"c\"}]}, \"operationId\":\"/dev1/fs/stat\","
        + "\"timeoutMs\":500,\"window\":2.5,\"flag\":true,\"none\":null}, \"id\":\"r-1\", \"extra\":[1], \"type\":\"call.requested\"}");
    assertEquals("call.requested", e.type());
    assertEquals("r-1", e.id());
    assertEquals("/dev1/fs/stat", e.scalar("operationId"));
    assertEquals(500, ((Number) e.scalar("timeoutMs")).intValue());
    assertEquals(2.5, e.scalar("window"));
    assertEquals(Boolean.TRUE, e.scalar("flag"));
    assertNull(e.scalar("none"));
    assertNull(e.scalar("input"), "input is data, not a header field");
    assertTrue(e.objectOrAbsent("input"));
    assertTrue(e.objectOrAbsent("missing"));
    assertFalse(e.objectOrAbsent("operationId"));
    assertEquals("{\"a\":[1,2,{\"b\":\"c\"}]}", e.raw("input").toString());
    assertEquals(new JsonObject().put("a", new JsonArray().add(1).add(2).add(new JsonObject().put("b", "c"))),
        e.payload().getJsonObject("input"));
  }

  @Test
  void forwardingReplacesMembersAndCopiesTheRestByteForByte() {
    // Number formats, key order and escapes survive untouched: the input is never decoded.
    String input = "{\"z\":1.50, \"a\":12345678901234567890123, \"s\":\"caf\\u00e9 \\\"q\\\"\"}";
    EventEnvelope e = read("{\"type\":\"call.requested\",\"id\":\"7\",\"payload\":{\"operationId\":\"/dev1/echo\", "
        + "\"caller\":{\"id\":\"mallory\"},\"input\":" + input + " , \"metadata\":{\"k\":\"v\"} }}");
    CallRequest forwarded = CallRequest.received(e).with("operationId", "/echo")
        .with("caller", RawJson.encode(new JsonObject().put("id", "alice").put("spoke", null)));
    String out = forwarded.encode("a\"b").toString();
    assertEquals("{\"type\":\"call.requested\",\"id\":\"a\\\"b\",\"payload\":{\"operationId\":\"/echo\","
        + "\"caller\":{\"id\":\"alice\",\"spoke\":null},\"input\":" + input + ",\"metadata\":{\"k\":\"v\"}}}", out);
    JsonObject reread = new JsonObject(out);
    assertEquals("alice", reread.getJsonObject("payload").getJsonObject("caller").getString("id"));
    assertEquals("/echo", forwarded.operationId());
    assertEquals("/dev1/echo", CallRequest.received(e).operationId(), "the received request is unchanged");
  }

  @Test
  void anOutputIsPassedOnAsItCame() {
    EventEnvelope e = read("{\"type\":\"call.responded\",\"id\":\"3\",\"payload\":{\"output\":\"big\\ntext\"}}");
    RawJson output = e.raw("output");
    assertEquals("\"big\\ntext\"", output.toString());
    assertEquals("big\ntext", output.decode());
    assertEquals("{\"type\":\"call.responded\",\"id\":\"c-1\",\"payload\":{\"output\":\"big\\ntext\"}}",
        EnvelopeWriter.output("call.responded", "c-1", output).toString());
    assertNull(read("{\"type\":\"call.responded\",\"id\":\"3\",\"payload\":{}}").raw("output"));
  }

  @Test
  void duplicateMembersKeepTheLastAsAJsonObjectWould() {
    EventEnvelope e = read("{\"type\":\"x\",\"payload\":{\"n\":1,\"n\":2,\"o\":{}}}");
    assertEquals(2, ((Number) e.scalar("n")).intValue());
    String copied = CallRequest.received(e).with("o", 5).encode("i").toString();
    assertEquals("{\"type\":\"call.requested\",\"id\":\"i\",\"payload\":{\"o\":5,\"n\":2}}", copied);
    assertEquals(2, e.payload().getInteger("n"));
  }

  @Test
  void encodesBuiltAndReceivedEnvelopesAlike() {
    JsonObject payload = new JsonObject().put("operationId", "/a").put("input", new JsonObject().put("x", "é\u0001"));
    EventEnvelope built = EventEnvelope.of("call.requested", "id-ü", payload);
    Buffer bytes = built.encode();
    EventEnvelope back = EventEnvelope.decode(bytes);
    assertEquals(built, back);
    assertEquals(bytes.toString(), back.encode().toString());
    assertEquals(new JsonObject(bytes.toString()), built.toJson());
    assertEquals("{\"type\":\"ping\",\"id\":\"\",\"payload\":{}}", read("{\"type\":\"ping\"}").encode().toString());
  }

  @Test
  void refusesWhatIsNotAnEnvelope() {
    for (String bad : new String[] {"[]", "\"x\"", "{", "{\"type\":1}", "{\"type\":\"\"}", "{\"id\":\"1\"}",
        "{\"type\":\"x\",\"id\":5}", "{\"type\":\"x\",\"payload\":[]}", "{\"type\":\"x\",\"payload\":{\"a\":}}",
        "{\"type\":\"x\",\"payload\":{\"input\":\"unterminated}}", "{\"type\":\"x\" \"id\":\"1\"}", "", "{\"type\":\"x\"} {}", "{\"type\":\"x\"} x"}) {
      assertThrows(ProtocolException.class, () -> read(bad), bad);
    }
  }
}
