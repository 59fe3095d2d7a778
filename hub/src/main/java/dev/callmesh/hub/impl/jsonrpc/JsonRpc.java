package dev.callmesh.hub.impl.jsonrpc;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * JSON-RPC 2.0 as callmesh speaks it (README, "JSON-RPC 2.0"): the error numbers of callmesh's error codes,
 * and the JSON text of responses and notifications. An error object is always
 * {@code {"code":<number>,"message":..,"data":{"code":<callmesh code>,"retryable":bool,"details"?:..}}}.
 * Results are written as the bytes they came in ({@link RawJson}), never decoded.
 */
public final class JsonRpc {

  /** The version string every message carries. */
  public static final String VERSION = "2.0";
  /** Invalid JSON (or MessagePack) was received. */
  public static final int PARSE_ERROR = -32700;
  /** The JSON is not a valid request object. */
  public static final int INVALID_REQUEST = -32600;
  /** NOT_FOUND: no such operation. */
  public static final int METHOD_NOT_FOUND = -32601;
  /** INVALID_INPUT: the params fail the operation's schema. */
  public static final int INVALID_PARAMS = -32602;
  /** INTERNAL. */
  public static final int INTERNAL_ERROR = -32603;
  /** Every other callmesh code; {@code data.code} says which. */
  public static final int SERVER_ERROR = -32000;
  /** The most members a batch may have. */
  public static final int MAX_BATCH = 100;

  /** The method that authenticates a WebSocket: params {@code {"token":..}}. */
  public static final String AUTHENTICATE = "auth.authenticate";
  /** The method that ends a subscription: params {@code {"subscription":..}}. */
  public static final String CANCEL = "subscription.cancel";
  /** The notification of a subscription's output. */
  public static final String SUBSCRIPTION = "subscription";
  /** The notification of a subscription's end. */
  public static final String COMPLETED = "subscription.completed";
  /** The notification of a subscription's failure. */
  public static final String FAILED = "subscription.error";

  private static final Buffer NULL = Buffer.buffer("null");

  private JsonRpc() {
  }

  /**
   * One error answer: its JSON-RPC number and the callmesh failure behind it.
   *
   * @param number the JSON-RPC error code
   * @param error the callmesh code, message, retryability and details
   */
  public record Error(int number, CallException error) {

    /** @return the error of a callmesh failure, numbered after its code */
    public static Error of(CallException e) {
      return new Error(JsonRpc.number(e.code()), e);
    }

    /** @return the error object {@code {"code","message","data":{"code","retryable","details"?}}} */
    public JsonObject toJson() {
      JsonObject data = new JsonObject().put("code", error.code()).put("retryable", error.retryable());
      if (error.details() != null) {
        data.put("details", error.details());
      }
      return new JsonObject().put("code", number).put("message", error.getMessage()).put("data", data);
    }
  }

  /** @return the JSON-RPC error number of a callmesh error code */
  public static int number(String code) {
    ErrorCode c = ErrorCode.fromWire(code);
    if (c == null) {
      return SERVER_ERROR;
    }
    return switch (c) {
      case NOT_FOUND -> METHOD_NOT_FOUND;
      case INVALID_INPUT -> INVALID_PARAMS;
      case INTERNAL -> INTERNAL_ERROR;
      default -> SERVER_ERROR;
    };
  }

  /** @return a parse error: the message is not JSON (id null) */
  public static Error parseError(String why) {
    return new Error(PARSE_ERROR, CallException.of(ErrorCode.PROTOCOL, "parse error: " + why));
  }

  /** @return an invalid request error: the message or a batch member is not a request */
  public static Error invalidRequest(String why) {
    return new Error(INVALID_REQUEST, CallException.of(ErrorCode.PROTOCOL, "invalid request: " + why));
  }

  /**
   * @param id the request's id as JSON text, or {@code null} for none (written as null)
   * @param result the result's JSON text
   * @return {@code {"jsonrpc":"2.0","id":..,"result":..}}
   */
  public static Buffer result(Buffer id, Buffer result) {
    return Buffer.buffer(result.length() + 40).appendString("{\"jsonrpc\":\"2.0\",\"id\":")
        .appendBuffer(id == null ? NULL : id).appendString(",\"result\":").appendBuffer(result).appendString("}");
  }

  /** @return {@link #result(Buffer, Buffer)} of a value ({@link RawJson} as it is) */
  public static Buffer result(Buffer id, Object value) {
    return result(id, value instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(value));
  }

  /** @return {@code {"jsonrpc":"2.0","id":..,"error":{..}}}; a {@code null} id is written as null */
  public static Buffer error(Buffer id, Error error) {
    return Buffer.buffer().appendString("{\"jsonrpc\":\"2.0\",\"id\":").appendBuffer(id == null ? NULL : id)
        .appendString(",\"error\":").appendBuffer(error.toJson().toBuffer()).appendString("}");
  }

  /**
   * @param method the notification's method
   * @param params its params as JSON text
   * @return {@code {"jsonrpc":"2.0","method":..,"params":..}}
   */
  public static Buffer notification(String method, Buffer params) {
    return Buffer.buffer(params.length() + 48).appendString("{\"jsonrpc\":\"2.0\",\"method\":\"").appendString(method)
        .appendString("\",\"params\":").appendBuffer(params).appendString("}");
  }

  /** @return the subscription output notification {@code {"subscription":id,"output":..}} */
  public static Buffer output(String subscription, Object output) {
    Buffer out = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
    return notification(SUBSCRIPTION, Buffer.buffer(out.length() + 40).appendString("{\"subscription\":")
        .appendBuffer(Json.encodeToBuffer(subscription)).appendString(",\"output\":").appendBuffer(out).appendString("}"));
  }

  /** @return the {@code subscription.completed} notification */
  public static Buffer completed(String subscription) {
    return notification(COMPLETED, new JsonObject().put("subscription", subscription).toBuffer());
  }

  /** @return the {@code subscription.error} notification */
  public static Buffer failed(String subscription, CallException e) {
    return notification(FAILED, new JsonObject().put("subscription", subscription)
        .put("error", Error.of(e).toJson()).toBuffer());
  }

  /** @return the JSON array of the given JSON texts */
  public static Buffer array(List<Buffer> members) {
    Buffer out = Buffer.buffer().appendString("[");
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.appendString(",");
      }
      out.appendBuffer(members.get(i));
    }
    return out.appendString("]");
  }
}
