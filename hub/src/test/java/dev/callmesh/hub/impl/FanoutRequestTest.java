package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The input of /hub/fanout: defaults, and INVALID_INPUT that names what is wrong. */
class FanoutRequestTest {

  private static JsonObject in(String json) {
    return new JsonObject(json);
  }

  private static String invalid(String json) {
    CallException e = assertThrows(CallException.class, () -> FanoutRequest.parse(in(json)), json);
    assertEquals("INVALID_INPUT", e.code(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void defaultsAreEverySpokeNoLabelsAnEmptyInputAnd32AtOnce() {
    FanoutRequest r = FanoutRequest.parse(in("{\"operation\":\"/fs/stat\"}"));
    assertEquals("*", r.spokes().toString());
    assertEquals(Map.of(), r.labels());
    assertEquals(new JsonObject(), r.input());
    assertNull(r.timeoutMs());
    assertEquals(FanoutRequest.DEFAULT_CONCURRENCY, r.concurrency());
    FanoutRequest full = FanoutRequest.parse(in("{\"target\":{\"spokes\":\"ci-?\",\"labels\":{\"role\":\"ci\",\"region\":\"eu\"}},"
        + "\"operation\":\"/bash/run\",\"input\":{\"command\":\"true\"},\"timeoutMs\":5000,\"concurrency\":256}"));
    assertEquals(Map.of("role", "ci", "region", "eu"), full.labels());
    assertEquals(5000L, full.timeoutMs());
    assertEquals(256, full.concurrency());
    assertEquals(full, FanoutRequest.parse(full.toJson()), "toJson reads back as the same request");
  }

  @Test
  void eachBadMemberIsNamed() {
    assertTrue(invalid("{\"target\":{\"spokes\":\"dev/*\"},\"operation\":\"/fs/stat\"}").contains("target.spokes"));
    assertTrue(invalid("{\"target\":{\"spokes\":\"Dev*\"},\"operation\":\"/fs/stat\"}").contains("'D' at position 1"));
    assertTrue(invalid("{\"target\":{\"spokes\":7},\"operation\":\"/fs/stat\"}").contains("target.spokes"));
    assertTrue(invalid("{\"target\":\"dev*\",\"operation\":\"/fs/stat\"}").contains("\"target\""));
    assertTrue(invalid("{\"target\":{\"labels\":{\"ro le\":\"ci\"}},\"operation\":\"/fs/stat\"}")
        .contains("label key 'ro le'"));
    assertTrue(invalid("{\"target\":{\"labels\":{\"role\":\"c/i\"}},\"operation\":\"/fs/stat\"}")
        .contains("label value 'c/i' of role"));
    assertTrue(invalid("{\"target\":{\"labels\":{\"role\":1}},\"operation\":\"/fs/stat\"}").contains("label value"));
    assertTrue(invalid("{\"target\":{\"labels\":[\"role=ci\"]},\"operation\":\"/fs/stat\"}").contains("target.labels"));
    assertTrue(invalid("{}").contains("\"operation\" is required"));
    assertTrue(invalid("{\"operation\":\"fs/stat\"}").contains("operation 'fs/stat'"));
    assertTrue(invalid("{\"operation\":\"/fs/../stat\"}").contains("spoke-relative operation path"));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"input\":[1]}").contains("\"input\""));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"concurrency\":0}").contains("\"concurrency\""));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"concurrency\":257}").contains("from 1 to 256"));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"concurrency\":1.5}").contains("\"concurrency\""));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"timeoutMs\":-1}").contains("\"timeoutMs\""));
    assertTrue(invalid("{\"operation\":\"/fs/stat\",\"timeoutMs\":\"5s\"}").contains("\"timeoutMs\""));
  }
}
