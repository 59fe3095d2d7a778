package dev.callmesh.hub.impl.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.hub.impl.gateway.CollectedCall;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Operations as MCP tools and their outcomes as tool results, written as JSON the way the endpoint sends them
 * (the SDK's types through the hub's Jackson): names, schemas, the collected form of a subscription, the
 * structured and text content, errors.
 */
class McpToolsTest {

  private static JsonObject json(Object value) {
    return new JsonObject(McpJson.INSTANCE.write(value));
  }

  @Test
  void aQueryIsAReadOnlyToolWithTheSpecsSchemas() {
    OperationSpec spec = StandardSpecs.get("/fs/readFile").withName("/dev1/fs/readFile");
    JsonObject tool = json(McpTools.tool(spec, 1 << 20));
    assertEquals("dev1.fs.readFile", tool.getString("name"));
    assertEquals(spec.description(), tool.getString("description"));
    assertEquals(spec.inputSchema(), tool.getJsonObject("inputSchema"));
    assertEquals(spec.outputSchema(), tool.getJsonObject("outputSchema"));
    assertTrue(tool.getJsonObject("annotations").getBoolean("readOnlyHint"));
  }

  @Test
  void aSubscriptionReturnsItsOutputsCollectedAndItsSchemaSaysSo() {
    OperationSpec spec = StandardSpecs.get("/bash/exec").withName("/dev1/bash/exec");
    JsonObject tool = json(McpTools.tool(spec, 1 << 20));
    JsonObject out = tool.getJsonObject("outputSchema");
    assertEquals("object", out.getString("type"));
    assertEquals(new JsonArray().add("outputs"), out.getJsonArray("required"));
    JsonObject items = out.getJsonObject("properties").getJsonObject("outputs").getJsonObject("items");
    assertEquals(spec.outputSchema().getJsonArray("oneOf"), items.getJsonArray("oneOf"));
    assertFalse(items.containsKey("$schema"), "the dialect is said once, at the top");
    assertTrue(tool.getString("description").contains("1024 KiB"), tool.getString("description"));
    assertFalse(tool.getJsonObject("annotations").getBoolean("readOnlyHint"));

    JsonObject result = json(McpTools.result(true, new CollectedCall.Outputs(List.of(
        new JsonObject().put("stream", "stdout").put("data", "hi\n"), new JsonObject().put("exitCode", 0)), 40)));
    JsonObject structured = result.getJsonObject("structuredContent");
    assertEquals(2, structured.getJsonArray("outputs").size());
    assertEquals(structured, new JsonObject(result.getJsonArray("content").getJsonObject(0).getString("text")));
  }

  @Test
  void aResultHasTheOutputAsStructuredContentAndAsText() {
    JsonObject output = new JsonObject().put("content", "# hi\n").put("size", 5);
    JsonObject result = json(McpTools.result(false, new CollectedCall.Outputs(List.of(output), 20)));
    assertEquals(output, result.getJsonObject("structuredContent"));
    JsonObject text = result.getJsonArray("content").getJsonObject(0);
    assertEquals("text", text.getString("type"));
    assertEquals(output, new JsonObject(text.getString("text")));
    assertFalse(result.getBoolean("isError"));

    JsonObject notAnObject = json(McpTools.result(false, new CollectedCall.Outputs(List.of(new JsonArray().add(1)), 3)));
    assertNull(notAnObject.getValue("structuredContent"), "structuredContent is an object or nothing");
    assertEquals("[1]", notAnObject.getJsonArray("content").getJsonObject(0).getString("text"));
  }

  @Test
  void anErrorIsAResultWithIsErrorAndTheMessage() {
    CallException forbidden = CallException.of(ErrorCode.FORBIDDEN, "identity reader may not call /dev1/bash/run");
    JsonObject result = json(McpTools.error(forbidden));
    assertTrue(result.getBoolean("isError"));
    assertEquals("FORBIDDEN: identity reader may not call /dev1/bash/run",
        result.getJsonArray("content").getJsonObject(0).getString("text"));
    JsonObject meta = result.getJsonObject("_meta").getJsonObject(McpTools.ERROR_META);
    assertEquals("FORBIDDEN", meta.getString("code"));
    assertFalse(meta.getBoolean("retryable"));
  }

  @Test
  void initializeSaysToolsWhoseListChanges() throws Exception {
    McpMethods methods = new McpMethods(null, McpLimits.defaults(), "0.1.0");
    JsonObject init = json(methods.initialize(McpMethods.negotiate("2025-03-26")));
    assertEquals("2025-03-26", init.getString("protocolVersion"));
    assertTrue(init.getJsonObject("capabilities").getJsonObject("tools").getBoolean("listChanged"));
    assertEquals("callmesh", init.getJsonObject("serverInfo").getString("name"));
    assertEquals(McpMethods.VERSIONS.get(0), McpMethods.negotiate("2099-01-01"));

    McpSchema.JSONRPCMessage request = McpJson.INSTANCE.message(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"dev1.fs.readFile\"}}");
    assertTrue(request instanceof McpSchema.JSONRPCRequest r && r.method().equals("tools/call"));
    assertTrue(McpJson.INSTANCE.message("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
        instanceof McpSchema.JSONRPCNotification);
  }
}
