package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads an envelope in one pass of Jackson's streaming parser: the whole frame is checked to be JSON
 * (within the read limits), {@code type} and {@code id} are read, and the payload is indexed
 * ({@link PayloadIndex}) instead of being bound to objects. So is a payload's {@code metadata} object,
 * whose {@code traceparent} every hop reads and the hub replaces.
 */
public final class EnvelopeReader {

  /** What one frame held. */
  public record Result(String type, String id, PayloadIndex payload) {
  }

  private EnvelopeReader() {
  }

  /**
   * @param json the UTF-8 JSON of one frame
   * @param limits the bounds the frame must keep within; decoding its payload later keeps to them too
   * @return its type, id and payload index (that of {@code {}} when it had no payload)
   * @throws ProtocolException when the body is not a JSON object, breaks a read limit, or has no type
   */
  public static Result read(Buffer json, JsonLimits limits) {
    JsonCodec.Bytes b = JsonCodec.Bytes.of(json);
    String type = null;
    Object id = null;
    PayloadIndex payload = null;
    boolean badType = false;
    try (JsonParser p = JsonCodec.parser(b.array(), b.offset(), b.length(), limits)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ProtocolException("frame is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "type" -> {
            badType = v != JsonToken.VALUE_STRING;
            type = badType ? null : p.getText();
            p.skipChildren();
          }
          case "id" -> {
            id = v == JsonToken.VALUE_STRING ? p.getText() : v == JsonToken.VALUE_NULL ? null : Boolean.FALSE;
            p.skipChildren();
          }
          case "payload" -> {
            if (v == JsonToken.START_OBJECT) {
              payload = payload(p, b.array(), b.offset(), limits, true);
            } else if (v == JsonToken.VALUE_NULL) {
              payload = null;
            } else {
              throw new ProtocolException("envelope \"payload\" must be an object");
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new ProtocolException("frame is not valid JSON: more follows the envelope's object");
      }
    } catch (IOException | IllegalStateException e) {
      throw new ProtocolException("frame is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (badType || type == null || type.isEmpty()) {
      throw new ProtocolException("envelope has no \"type\" string");
    }
    if (id != null && !(id instanceof String)) {
      throw new ProtocolException("envelope \"id\" must be a string");
    }
    return new Result(type, (String) id, payload == null ? PayloadIndex.empty() : payload);
  }

  /**
   * Indexes the object whose start is the parser's current token, up to and including its end.
   *
   * @param payload whether it is an envelope's payload: its {@code input} and {@code output} strings stay
   *     bytes, and its {@code metadata} object is indexed too; otherwise every string member is read
   */
  private static PayloadIndex payload(JsonParser p, byte[] bytes, int offset, JsonLimits limits, boolean payload)
      throws IOException {
    PayloadIndex index = new PayloadIndex(bytes, offset + (int) p.currentTokenLocation().getByteOffset(), limits,
        payload ? 6 : 2);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      int keyStart = offset + (int) p.currentTokenLocation().getByteOffset();
      JsonToken v = p.nextToken();
      int valueStart = offset + (int) p.currentTokenLocation().getByteOffset();
      switch (v) {
        case START_OBJECT -> {
          PayloadIndex members = null;
          if (payload && name.equals(PayloadIndex.METADATA)) {
            members = payload(p, bytes, offset, limits, false);
          } else {
            p.skipChildren();
          }
          index.add(name, keyStart, valueStart, PayloadIndex.OBJECT, members);
        }
        case START_ARRAY -> {
          p.skipChildren();
          index.add(name, keyStart, valueStart, PayloadIndex.ARRAY, null);
        }
        case VALUE_STRING -> {
          // The data members can be large: leave them as bytes. The others are short header fields.
          boolean data = payload && PayloadIndex.isData(name);
          index.add(name, keyStart, valueStart, data ? PayloadIndex.STRING : PayloadIndex.SCALAR, data ? null : p.getText());
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> index.add(name, keyStart, valueStart, PayloadIndex.SCALAR,
            v == JsonToken.VALUE_NUMBER_INT ? p.getNumberValue() : p.getDoubleValue());
        case VALUE_TRUE, VALUE_FALSE -> index.add(name, keyStart, valueStart, PayloadIndex.SCALAR, v == JsonToken.VALUE_TRUE);
        default -> index.add(name, keyStart, valueStart, PayloadIndex.NULL, null);
      }
    }
    index.close(offset + (int) p.currentTokenLocation().getByteOffset());
    return index;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
