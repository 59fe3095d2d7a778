package dev.callmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Each reader keeps to the limits it is given; Jackson's JVM-wide defaults are left alone. */
class JsonLimitsTest {

  /** An envelope whose input holds {@code levels} nested arrays (3 + levels deep in all). */
  private static Buffer deep(int levels) {
    return Buffer.buffer("{\"type\":\"call.requested\",\"id\":\"1\",\"payload\":{\"operationId\":\"/a\",\"input\":{\"x\":"
        + "[".repeat(levels) + "]".repeat(levels) + "}}}");
  }

  @Test
  void theSameFrameIsRefusedOrReadAccordingToTheLimitsOfItsReader() {
    int jvmDefault = StreamReadConstraints.defaults().getMaxNestingDepth();
    JsonLimits shallow = JsonLimits.DEFAULTS.withMaxDepth(16);
    assertThrows(ProtocolException.class, () -> EventEnvelope.decode(deep(14), shallow));
    assertEquals("/a", EventEnvelope.decode(deep(13), shallow).scalar("operationId"), "exactly at the limit");
    assertEquals("/a", EventEnvelope.decode(deep(14), JsonLimits.DEFAULTS).scalar("operationId"));
    assertThrows(ProtocolException.class, () -> EventEnvelope.decode(deep(254), JsonLimits.DEFAULTS));
    assertEquals("/a", EventEnvelope.decode(deep(254), JsonLimits.DEFAULTS.withMaxDepth(300)).scalar("operationId"));
    assertEquals(jvmDefault, StreamReadConstraints.defaults().getMaxNestingDepth(), "Jackson's defaults are unchanged");
    new JsonObject("{\"x\":" + "[".repeat(300) + "]".repeat(300) + "}"); // and Vert.x's own parsers go by them
  }

  @Test
  void aLimitMetOnlyWhenThePayloadIsDecodedIsTheLimitTheFrameWasReadWith() {
    Buffer frame = Buffer.buffer("{\"type\":\"call.requested\",\"id\":\"1\",\"payload\":{\"operationId\":\"/a\","
        + "\"input\":{\"s\":\"" + "y".repeat(2000) + "\"}}}");
    EventEnvelope strict = EventEnvelope.decode(frame, JsonLimits.DEFAULTS.withMaxStringLength(1024));
    assertEquals("/a", strict.scalar("operationId"), "the frame itself is within the limits");
    assertThrows(ProtocolException.class, strict::payload);
    assertThrows(ProtocolException.class, () -> strict.raw("input").decode());
    assertEquals(2000, EventEnvelope.decode(frame).payload().getJsonObject("input").getString("s").length());
  }

  @Test
  void limitsBelowTheirMinimumAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new JsonLimits(15, 100, 4096));
    assertThrows(IllegalArgumentException.class, () -> new JsonLimits(256, 19, 4096));
    assertThrows(IllegalArgumentException.class, () -> new JsonLimits(256, 100, 1023));
    assertEquals(new JsonLimits(256, 100, 64 * 1024 * 1024), JsonLimits.DEFAULTS);
  }
}
