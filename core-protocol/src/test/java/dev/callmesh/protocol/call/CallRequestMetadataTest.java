package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code metadata.traceparent} is read and set on every hop: a received request's metadata is read with
 * the frame and set by copying its other members as bytes. Both must agree with decoding the metadata.
 */
class CallRequestMetadataTest {

  private static final String KEY = "traceparent";
  private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** Metadata as callers send it, including the odd ones. */
  private static final List<String> METADATA = List.of(
      "{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}",
      "{}",
      "{ \"a\" : 1 , \"traceparent\" : \"x\" , \"b\" : {\"c\":[1,2,{\"d\":null}]} }",
      "{\"input\":\"not data here\",\"output\":\"nor here\",\"traceparent\":\"y\"}",
      "{\"traceparent\":\"first\",\"z\":true,\"traceparent\":\"second\"}",
      "{\"traceparent\":7,\"s\":\"caf\\u00e9 \\\"q\\\" \\ud83d\\ude00\"}",
      "{\"tenant\":\"acme\",\"baggage\":\"k=v\"}",
      "\"not an object\"",
      "null",
      "[1,2]");

  private static CallRequest received(String metadata) {
    String payload = metadata == null ? "{\"operationId\":\"/dev1/echo\",\"input\":{\"n\":1}}"
        : "{\"operationId\":\"/dev1/echo\",\"metadata\":" + metadata + ",\"input\":{\"n\":1}}";
    return CallRequest.received(EventEnvelope.decode(
        Buffer.buffer("{\"type\":\"call.requested\",\"id\":\"7\",\"payload\":" + payload + "}")));
  }

  /** What decoding the metadata gives: its string member, or {@code null}. */
  private static String decodedString(String metadata) {
    Object m = metadata == null ? null : RawJson.of(Buffer.buffer(metadata)).decode();
    return m instanceof JsonObject o && o.getValue(KEY) instanceof String s ? s : null;
  }

  /** What setting the member in the decoded metadata gives. */
  private static JsonObject decodedWith(String metadata, String value) {
    Object m = metadata == null ? null : RawJson.of(Buffer.buffer(metadata)).decode();
    JsonObject copy = m instanceof JsonObject o ? new JsonObject(new LinkedHashMap<>(o.getMap())) : new JsonObject();
    return copy.put(KEY, value);
  }

  @Test
  void aReceivedRequestsMetadataStringIsWhatDecodingItGives() {
    for (String m : METADATA) {
      assertEquals(decodedString(m), received(m).metadataString(KEY), m);
    }
    assertNull(received(null).metadataString(KEY));
    assertEquals("not data here", received(METADATA.get(3)).metadataString("input"));
  }

  @Test
  void settingAMetadataStringKeepsTheOtherMembersAndTheRequest() {
    for (String m : java.util.stream.Stream.concat(METADATA.stream(), java.util.stream.Stream.of((String) null)).toList()) {
      CallRequest original = received(m);
      CallRequest changed = original.withMetadataString(KEY, HEADER);
      JsonObject expected = decodedWith(m, HEADER);
      // read back without decoding, decoded, and as the frame it is sent in
      assertEquals(HEADER, changed.metadataString(KEY), String.valueOf(m));
      assertEquals(expected, changed.metadata(), String.valueOf(m));
      assertEquals(expected, changed.payload().getJsonObject("metadata"), String.valueOf(m));
      JsonObject sent = EventEnvelope.decode(changed.encode("9")).payload();
      assertEquals(expected, sent.getJsonObject("metadata"), String.valueOf(m));
      assertEquals(new JsonObject().put("n", 1), sent.getJsonObject("input"));
      assertEquals("/dev1/echo", sent.getString("operationId"));
      // the request it was made from is unchanged
      assertEquals(decodedString(m), original.metadataString(KEY), String.valueOf(m));
      // and setting it again, on the copy, replaces it in place
      CallRequest again = changed.withMetadataString(KEY, "z").withMetadataString("more", "1");
      assertEquals(decodedWith(m, "z").put("more", "1"), EventEnvelope.decode(again.encode("9")).payload()
          .getJsonObject("metadata"), String.valueOf(m));
      assertEquals(HEADER, changed.metadataString(KEY));
    }
  }

  @Test
  void theOtherMembersKeepTheirOrderAndTheirBytes() {
    CallRequest changed = received("{ \"a\" : 1.50 , \"traceparent\" : \"x\" , \"b\" : \"caf\\u00e9\" }")
        .withMetadataString(KEY, HEADER);
    String frame = changed.encode("9").toString();
    assertEquals(true, frame.contains("\"metadata\":{\"a\" : 1.50,\"traceparent\":\"" + HEADER
        + "\",\"b\" : \"caf\\u00e9\"}"), frame);
  }

  @Test
  void aRequestMadeFromJsonReadsAndSetsItsMetadataAlike() {
    JsonObject metadata = new JsonObject().put("a", 1).put(KEY, "x");
    CallRequest built = CallRequest.of(new JsonObject().put("operationId", "/a").put("metadata", metadata));
    assertEquals("x", built.metadataString(KEY));
    CallRequest changed = built.withMetadataString(KEY, HEADER);
    assertEquals(new JsonObject().put("a", 1).put(KEY, HEADER), changed.metadata());
    assertEquals("x", built.metadataString(KEY));
    assertEquals("x", metadata.getString(KEY));
  }
}
