package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A call request is a value: {@code with} makes another, and nothing done to the new one reaches the old. */
class CallRequestTest {

  private static final String INPUT = "{\"z\":1.50,\"s\":\"caf\\u00e9\"}";

  private static CallRequest received() {
    return CallRequest.received(EventEnvelope.decode(Buffer.buffer("{\"type\":\"call.requested\",\"id\":\"7\",\"payload\":"
        + "{\"operationId\":\"/dev1/echo\",\"input\":" + INPUT + ",\"metadata\":{\"k\":\"v\"}}}")));
  }

  @Test
  void withLeavesAReceivedRequestUnchanged() {
    // GIVEN a received request, and one made from it with members replaced, whose payload is decoded
    CallRequest original = received();
    CallRequest changed = original.with("operationId", "/echo").with("timeoutMs", 5);
    assertEquals("/echo", changed.payload().getString("operationId"));
    assertEquals(5, changed.payload().getInteger("timeoutMs"));
    // THEN the original still reads, decodes and encodes as it came
    assertEquals("/dev1/echo", original.operationId());
    assertNull(original.timeoutMs());
    assertEquals("/dev1/echo", original.payload().getString("operationId"));
    assertFalse(original.payload().containsKey("timeoutMs"));
    assertEquals("{\"type\":\"call.requested\",\"id\":\"x\",\"payload\":{\"operationId\":\"/dev1/echo\",\"input\":"
        + INPUT + ",\"metadata\":{\"k\":\"v\"}}}", original.encode("x").toString());
  }

  @Test
  void changingADecodedPayloadChangesNeitherRequest() {
    CallRequest original = received();
    CallRequest changed = original.with("operationId", "/echo");
    original.payload().put("operationId", "/elsewhere");
    changed.payload().getJsonObject("input").put("z", 2);
    assertEquals("/dev1/echo", original.operationId());
    assertEquals("/echo", changed.operationId());
    assertTrue(changed.encode("x").toString().contains("\"input\":" + INPUT), changed.encode("x").toString());
    assertTrue(original.encode("x").toString().contains("\"operationId\":\"/dev1/echo\""));
  }

  @Test
  void aRequestMadeFromJsonIsASnapshotAndWithLeavesItUnchanged() {
    JsonObject json = new JsonObject().put("operationId", "/a").put("input", new JsonObject().put("n", 1));
    CallRequest original = CallRequest.of(json);
    json.put("operationId", "/changed-afterwards");
    CallRequest changed = original.with("operationId", "/b").with("metadata", RawJson.encode(new JsonObject().put("m", 1)));
    assertEquals("/b", changed.operationId());
    assertEquals(1, changed.metadata().getInteger("m"));
    assertEquals("/a", original.operationId());
    assertNull(original.metadata());
    assertEquals("{\"type\":\"call.requested\",\"id\":\"1\",\"payload\":{\"operationId\":\"/a\",\"input\":{\"n\":1}}}",
        original.encode("1").toString());
    assertEquals("{\"type\":\"call.requested\",\"id\":\"1\",\"payload\":{\"operationId\":\"/b\",\"metadata\":{\"m\":1},"
        + "\"input\":{\"n\":1}}}", changed.encode("1").toString());
  }

  @Test
  void headerFieldsReadAlikeWhateverTheRequestWasMadeFrom() {
    JsonObject json = new JsonObject().put("operationId", "/a").put("timeoutMs", 500).put("idleTimeoutMs", 20)
        .put("window", 4).put("parentRequestId", "p").put("input", new JsonObject())
        .put("metadata", new JsonObject().put("k", "v"));
    for (CallRequest r : new CallRequest[] {CallRequest.of(json),
        CallRequest.received(EventEnvelope.decode(EventEnvelope.of("call.requested", "i", json).encode()))}) {
      assertEquals("/a", r.operationId());
      assertEquals(500, r.timeoutMs().intValue());
      assertEquals(20, r.idleTimeoutMs().intValue());
      assertEquals(4, r.window().intValue());
      assertEquals("p", r.parentRequestId());
      assertTrue(r.inputIsObject());
      assertEquals("v", r.metadata().getString("k"));
      assertEquals(json, r.payload());
    }
  }

  @Test
  void anInputThatIsNotAnObjectIsSeenAsSuchAlsoWhenSetByWith() {
    assertFalse(CallRequest.of(new JsonObject().put("input", "text")).inputIsObject());
    assertTrue(CallRequest.of(new JsonObject()).inputIsObject());
    assertFalse(received().with("input", "text").inputIsObject());
    assertFalse(received().with("input", RawJson.encode(5)).inputIsObject());
    assertTrue(received().with("input", RawJson.encode(new JsonObject())).inputIsObject());
  }
}
