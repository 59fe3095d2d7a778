package dev.callmesh.hub.impl.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading JSON-RPC 2.0 messages, and the JSON of answers and errors, as the specification's examples have them. */
class JsonRpcMessageTest {

  private static JsonRpcMessage parse(String json) {
    return JsonRpcMessage.parse(Buffer.buffer(json), JsonLimits.DEFAULTS);
  }

  private static JsonRpcMessage.Invalid invalid(JsonRpcMessage m, int i) {
    return assertInstanceOf(JsonRpcMessage.Invalid.class, m.members().get(i));
  }

  @Test
  void aRequestANotificationAndTheirIds() {
    JsonRpcMessage.Request r = (JsonRpcMessage.Request) parse(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a\"}}").members().get(0);
    assertEquals("7", r.id().toString());
    assertEquals("/dev1/fs/stat", r.method());
    assertEquals(new JsonObject().put("path", "a"), r.params());
    assertFalse(r.isNotification());
    JsonRpcMessage.Request n = (JsonRpcMessage.Request) parse("{\"jsonrpc\":\"2.0\",\"method\":\"/x/y\"}").members().get(0);
    assertTrue(n.isNotification(), "no id member: a notification");
    assertEquals(new JsonObject(), n.params(), "absent params are {}");
    JsonRpcMessage.Request nullId = (JsonRpcMessage.Request) parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"/x/y\"}").members().get(0);
    assertEquals("null", nullId.id().toString(), "an id of null is answered, with null");
    assertEquals("\"abc\"", ((JsonRpcMessage.Request) parse("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"/x\"}")
        .members().get(0)).id().toString());
    JsonRpcMessage.Request positional = (JsonRpcMessage.Request) parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/x\",\"params\":[1]}")
        .members().get(0);
    assertNull(positional.params(), "positional params cannot be an input: refused as INVALID_INPUT by the edge");
  }

  @Test
  void badInputGetsTheExactErrors() {
    JsonRpcMessage notJson = parse("{\"jsonrpc\":\"2.0\",\"method\"");
    assertEquals(JsonRpc.PARSE_ERROR, notJson.whole().number());
    assertEquals(JsonRpc.INVALID_REQUEST, parse("[]").whole().number(), "an empty batch is one invalid request");
    assertEquals(JsonRpc.INVALID_REQUEST, invalid(parse("42"), 0).error().number(), "not an object or array");
    assertEquals(JsonRpc.INVALID_REQUEST, invalid(parse("\"x\""), 0).error().number());
    JsonRpcMessage.Invalid version = invalid(parse("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"/x\"}"), 0);
    assertEquals(JsonRpc.INVALID_REQUEST, version.error().number());
    assertEquals("3", version.id().toString(), "the id is kept when it could be read");
    JsonRpcMessage.Invalid method = invalid(parse("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":1}"), 0);
    assertEquals(JsonRpc.INVALID_REQUEST, method.error().number());
    for (String id : List.of("{}", "[1]", "true")) {
      JsonRpcMessage.Invalid bad = invalid(parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"/x\"}"), 0);
      assertEquals(JsonRpc.INVALID_REQUEST, bad.error().number(), id);
      assertNull(bad.id(), "an id that is an object or array is answered with id null: " + id);
    }
    JsonRpcMessage tooDeep = JsonRpcMessage.parse(Buffer.buffer("[".repeat(40) + "]".repeat(40)), JsonLimits.DEFAULTS.withMaxDepth(16));
    assertEquals(JsonRpc.PARSE_ERROR, tooDeep.whole().number(), "past the hub's JSON limits");
  }

  @Test
  void batchesKeepTheirMembersInOrderAndAreBounded() {
    JsonRpcMessage b = parse("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/a\"},1,{\"jsonrpc\":\"2.0\",\"method\":\"/b\"}]");
    assertTrue(b.batch());
    assertEquals(3, b.members().size());
    assertInstanceOf(JsonRpcMessage.Request.class, b.members().get(0));
    assertEquals(JsonRpc.INVALID_REQUEST, invalid(b, 1).error().number());
    assertTrue(((JsonRpcMessage.Request) b.members().get(2)).isNotification());
    JsonArray many = new JsonArray();
    for (int i = 0; i < 101; i++) {
      many.add(new JsonObject().put("jsonrpc", "2.0").put("id", i).put("method", "/a"));
    }
    JsonRpcMessage over = JsonRpcMessage.parse(many.toBuffer(), JsonLimits.DEFAULTS);
    assertEquals(JsonRpc.SERVER_ERROR, over.whole().number());
    assertEquals("RESOURCE_EXHAUSTED", over.whole().error().code());
    many.remove(100);
    assertEquals(100, JsonRpcMessage.parse(many.toBuffer(), JsonLimits.DEFAULTS).members().size());
  }

  @Test
  void errorsCarryTheirNumberAndTheCallmeshCode() {
    assertEquals(-32601, JsonRpc.number("NOT_FOUND"));
    assertEquals(-32602, JsonRpc.number("INVALID_INPUT"));
    assertEquals(-32603, JsonRpc.number("INTERNAL"));
    for (String other : List.of("UNAVAILABLE", "FORBIDDEN", "TIMEOUT", "UNAUTHENTICATED", "FILE_NOT_FOUND")) {
      assertEquals(-32000, JsonRpc.number(other), other);
    }
    JsonObject e = new JsonObject(JsonRpc.error(Buffer.buffer("\"r1\""), JsonRpc.Error.of(
        CallException.of(ErrorCode.INVALID_INPUT, "bad", new JsonObject().put("path", "/path")))).toString());
    assertEquals(new JsonObject().put("jsonrpc", "2.0").put("id", "r1").put("error", new JsonObject().put("code", -32602)
        .put("message", "bad").put("data", new JsonObject().put("code", "INVALID_INPUT").put("retryable", false)
            .put("details", new JsonObject().put("path", "/path")))), e);
    JsonObject r = new JsonObject(JsonRpc.result(Buffer.buffer("5"), RawJson.of(Buffer.buffer("{\"size\": 3}"))).toString());
    assertEquals(new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("result", new JsonObject().put("size", 3)), r);
    JsonObject n = new JsonObject(JsonRpc.output("s1", RawJson.of(Buffer.buffer("[1]"))).toString());
    assertEquals(new JsonObject().put("jsonrpc", "2.0").put("method", "subscription")
        .put("params", new JsonObject().put("subscription", "s1").put("output", new JsonArray().add(1))), n);
  }
}
