package dev.callmesh.hub.impl.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes the MCP SDK's protocol types ({@link McpSchema}) with the Jackson 2 the hub already has, as
 * the SDK's own mappers do with theirs: its records carry Jackson's annotations. Vert.x's
 * {@code JsonObject}/{@code JsonArray} inside them (a tool's output, its schemas) are written as JSON. Unknown
 * fields of what clients send are ignored, so newer clients are read. Safe from any thread.
 */
final class McpJson implements McpJsonMapper {

  /** The one instance. */
  static final McpJson INSTANCE = new McpJson();

  private final ObjectMapper mapper = DatabindCodec.mapper().copy()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private McpJson() {
  }

  /**
   * @param text one JSON-RPC message
   * @return it as the SDK's request, notification or response
   * @throws IOException when it is not JSON
   * @throws IllegalArgumentException when it is JSON but no JSON-RPC message
   */
  McpSchema.JSONRPCMessage message(String text) throws IOException {
    return McpSchema.deserializeJsonRpcMessage(this, text);
  }

  /** @return the value as JSON text (one line) */
  String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T> T readValue(String content, Class<T> type) throws IOException {
    return mapper.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, Class<T> type) throws IOException {
    return mapper.readValue(content, type);
  }

  @Override
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    return mapper.readValue(content, javaType(type));
  }

  @Override
  public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
    return mapper.readValue(content, javaType(type));
  }

  @Override
  public <T> T convertValue(Object fromValue, Class<T> type) {
    return mapper.convertValue(fromValue, type);
  }

  @Override
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    return mapper.convertValue(fromValue, javaType(type));
  }

  @Override
  public String writeValueAsString(Object value) throws IOException {
    return mapper.writeValueAsString(value);
  }

  @Override
  public byte[] writeValueAsBytes(Object value) throws IOException {
    return mapper.writeValueAsBytes(value);
  }

  private JavaType javaType(TypeRef<?> type) {
    return mapper.getTypeFactory().constructType(type.getType());
  }
}
