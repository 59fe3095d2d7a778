package dev.callmesh.protocol.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** W3C traceparent parsing, new traces and children, and how a traceparent sits in call payloads. */
class TraceParentTest {

  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aValidHeaderIsReadFieldByField() {
    TraceParent t = TraceParent.parse(VALID);
    assertNotNull(t);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", t.traceId());
    assertEquals("00f067aa0ba902b7", t.parentId());
    assertEquals("01", t.flags());
    assertEquals(VALID, t.toString());
    assertTrue(TraceParent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"), "unsampled is valid");
    assertTrue(TraceParent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"), "unknown flags are kept");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", // upper-case parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", // upper-case flags
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is forbidden
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version not hex
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // version 00 has exactly 55 chars
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
      "00-4bf92f3577b34da6a3ce929d0e0e47366-0f067aa0ba902b7-01", // separator moved
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", // wrong separators
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01", // not hex
      "00-4bf92f3577b34da6a3ce929d0e0e473/-00f067aa0ba902b7-01", // the characters beside the digits' ranges
      "00-4bf92f3577b34da6a3ce929d0e0e473:-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473`-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473\u00e9-00f067aa0ba902b7-01", // not ASCII
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b\u0660-01", // a digit, but not an ASCII one
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\uff41", // a full-width a
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // later version: field 5 must follow a dash
      " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "4bf92f3577b34da6a3ce929d0e0e4736"})
  void anInvalidHeaderIsRejected(String header) {
    assertNull(TraceParent.parse(header));
    assertFalse(TraceParent.isValid(header));
  }

  @Test
  void aLaterVersionIsReadForItsKnownFieldsAndContinuedAsVersion00() {
    TraceParent t = TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds");
    assertNotNull(t);
    assertEquals(VALID, t.toString());
    assertEquals(VALID, TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").toString());
  }

  @Test
  void aChildKeepsTheTraceIdAndFlagsWithANewParentId() {
    TraceParent parent = TraceParent.parse(VALID);
    TraceParent child = parent.child();
    assertEquals(parent.traceId(), child.traceId());
    assertEquals(parent.flags(), child.flags());
    assertNotEquals(parent.parentId(), child.parentId());
    assertNotEquals("0000000000000000", child.parentId());
    assertEquals(child, TraceParent.parse(child.toString()), "a child is itself a valid header");
  }

  @Test
  void newRootsAreValidSampledAndRandom() {
    Set<String> traceIds = new HashSet<>();
    Set<String> parentIds = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      TraceParent root = TraceParent.newRoot();
      assertEquals(root, TraceParent.parse(root.toString()), root.toString());
      assertTrue(root.toString().startsWith("00-") && root.toString().endsWith("-01"), root.toString());
      traceIds.add(root.traceId());
      parentIds.add(root.parentId());
    }
    assertEquals(1000, traceIds.size(), "trace ids repeat");
    assertEquals(1000, parentIds.size(), "parent ids repeat");
  }

  @Test
  void forwardingMakesAChildOfAValidCallerHeaderAndANewTraceOtherwise() {
    TraceParent fromValid = TraceParent.parse(TraceParent.forwarded(VALID));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", fromValid.traceId());
    assertNotEquals("00f067aa0ba902b7", fromValid.parentId());
    for (String bad : new String[] {null, "", "garbage", VALID.toUpperCase()}) {
      TraceParent replaced = TraceParent.parse(TraceParent.forwarded(bad));
      assertNotNull(replaced, "forwarded(" + bad + ") must be valid");
      assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", replaced.traceId());
    }
  }

  @Test
  void theHeaderIsFoundOnlyAsAStringInAnObjectMetadata() {
    assertEquals(VALID, TraceParent.headerIn(new JsonObject().put("metadata", new JsonObject().put("traceparent", VALID))));
    assertNull(TraceParent.headerIn((JsonObject) null));
    assertNull(TraceParent.headerIn(new JsonObject()));
    assertNull(TraceParent.headerIn(new JsonObject().put("metadata", "traceparent")));
    assertNull(TraceParent.headerIn(new JsonObject().put("metadata", new JsonObject().put("traceparent", 7))));
    assertNull(TraceParent.in(new JsonObject().put("metadata", new JsonObject().put("traceparent", "nope"))));
  }

  @Test
  void puttingTheHeaderKeepsOtherMetadataAndLeavesTheOriginalMetadataAlone() {
    JsonObject metadata = new JsonObject().put("tenant", "a");
    JsonObject payload = new JsonObject().put("operationId", "/x").put("metadata", metadata);
    TraceParent.putHeader(payload, VALID);
    assertEquals(new JsonObject().put("tenant", "a").put("traceparent", VALID), payload.getJsonObject("metadata"));
    assertEquals(new JsonObject().put("tenant", "a"), metadata, "a shared metadata object must not change");
    assertEquals(VALID, TraceParent.headerIn(TraceParent.putHeader(new JsonObject().put("metadata", 42), VALID)));
  }

  @Test
  void anOutboundRequestKeepsAValidHeaderElseContinuesItsParentElseStartsATrace() {
    JsonObject given = new JsonObject().put("operationId", "/x").put("metadata", new JsonObject().put("traceparent", VALID));
    assertSame(given, TraceParent.outbound(given, null), "a valid header is the caller's choice");

    JsonObject parentPayload = new JsonObject().put("metadata", new JsonObject().put("traceparent", VALID));
    JsonObject bare = new JsonObject().put("operationId", "/x").put("parentRequestId", "p1");
    JsonObject child = TraceParent.outbound(bare, parentPayload);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.in(child).traceId());
    assertNotEquals("00f067aa0ba902b7", TraceParent.in(child).parentId());
    assertNull(bare.getValue("metadata"), "the caller's request is never changed");

    JsonObject invalid = new JsonObject().put("operationId", "/x").put("metadata", new JsonObject().put("traceparent", "x"));
    TraceParent root = TraceParent.in(TraceParent.outbound(invalid, null));
    assertNotNull(root, "an invalid header is replaced");
    assertEquals("x", TraceParent.headerIn(invalid));
  }

  @Test
  void aReceivedRequestGetsItsHeaderWithoutItsInputBeingDecoded() {
    String input = "{\"n\":1.50}";
    dev.callmesh.protocol.EventEnvelope received = dev.callmesh.protocol.EventEnvelope.decode(io.vertx.core.buffer.Buffer.buffer(
        "{\"type\":\"call.requested\",\"id\":\"1\",\"payload\":{\"operationId\":\"/a\",\"input\":" + input
            + ",\"metadata\":{\"k\":\"v\",\"traceparent\":\"" + VALID + "\"}}}"));
    dev.callmesh.protocol.call.CallRequest request = dev.callmesh.protocol.call.CallRequest.received(received);
    assertEquals(VALID, TraceParent.headerIn(request));
    assertEquals(request, TraceParent.outbound(request, null), "a valid header is kept as it is");
    String child = TraceParent.forwarded(VALID);
    String out = TraceParent.putHeader(request, child).encode("2").toString();
    assertTrue(out.contains("\"input\":" + input), out);
    JsonObject metadata = new JsonObject(out).getJsonObject("payload").getJsonObject("metadata");
    assertEquals(new JsonObject().put("k", "v").put("traceparent", child), metadata);
    dev.callmesh.protocol.call.CallRequest none = dev.callmesh.protocol.call.CallRequest.of(new JsonObject().put("operationId", "/b"));
    String made = TraceParent.headerIn(TraceParent.outbound(none, request));
    assertEquals(TraceParent.parse(VALID).traceId(), TraceParent.parse(made).traceId(), "a child of the parent call's trace");
    assertNull(TraceParent.headerIn(none), "the caller's request is not changed");
  }
}
