package dev.callmesh.hub.impl.jsonrpc;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON-RPC message as received: a single request or a batch, read within the hub's JSON limits, each
 * member checked as JSON-RPC 2.0 requires. What cannot be a request becomes an {@link Invalid} member,
 * answered with its error; what breaks the whole message (not JSON, an empty batch, a batch of more than
 * {@link JsonRpc#MAX_BATCH}) is one {@link #whole()} error, and nothing in it runs.
 *
 * @param batch whether the message was an array (its answer is an array too)
 * @param members its requests and invalid members, in order
 * @param whole the one error that answers the whole message, or {@code null}
 */
public record JsonRpcMessage(boolean batch, List<Member> members, JsonRpc.Error whole) {

  /** A member of a message. */
  public sealed interface Member permits Request, Invalid {
    /** @return the id as JSON text, or {@code null} when it had none (a notification, or unreadable) */
    Buffer id();
  }

  /**
   * A well-formed request.
   *
   * @param id its id as JSON text; {@code null} for a notification (no {@code id} member at all)
   * @param method the method: an operation path or a method of the protocol itself
   * @param params the params object ({@code {}} when absent), or {@code null} when they are not an object
   */
  public record Request(Buffer id, String method, JsonObject params) implements Member {

    /** @return whether it is a notification: no answer is wanted */
    public boolean isNotification() {
      return id == null;
    }
  }

  /**
   * A member that is not a valid request: always answered, with the id when one could be read.
   *
   * @param id the id as JSON text, or {@code null}
   * @param error why it is invalid
   */
  public record Invalid(Buffer id, JsonRpc.Error error) implements Member {
  }

  /**
   * @param json the UTF-8 JSON text of one message
   * @param limits the bounds the JSON must keep within
   * @return the message
   */
  public static JsonRpcMessage parse(Buffer json, JsonLimits limits) {
    Object value;
    try {
      value = RawJson.of(json, limits).decode();
    } catch (ProtocolException e) {
      return whole(JsonRpc.parseError(e.getMessage()));
    }
    if (value instanceof JsonArray array) {
      if (array.isEmpty()) {
        return whole(JsonRpc.invalidRequest("a batch must have at least one member"));
      }
      if (array.size() > JsonRpc.MAX_BATCH) {
        return whole(new JsonRpc.Error(JsonRpc.SERVER_ERROR, CallException.of(ErrorCode.RESOURCE_EXHAUSTED,
            "a batch may have at most " + JsonRpc.MAX_BATCH + " members, not " + array.size() + "; send several")));
      }
      List<Member> members = new ArrayList<>(array.size());
      for (Object m : array) {
        members.add(member(m));
      }
      return new JsonRpcMessage(true, members, null);
    }
    return new JsonRpcMessage(false, List.of(member(value)), null);
  }

  /** @return a message answered by one error alone */
  public static JsonRpcMessage whole(JsonRpc.Error error) {
    return new JsonRpcMessage(false, List.of(), error);
  }

  /** @return the member a decoded value stands for */
  static Member member(Object value) {
    if (!(value instanceof JsonObject m)) {
      return new Invalid(null, JsonRpc.invalidRequest("a request must be a JSON object"));
    }
    boolean hasId = m.containsKey("id");
    Object id = m.getValue("id");
    if (id instanceof JsonObject || id instanceof JsonArray || id instanceof Boolean) {
      return new Invalid(null, JsonRpc.invalidRequest("\"id\" must be a string, a number or null"));
    }
    Buffer idJson = hasId ? Json.encodeToBuffer(id) : null;
    if (!JsonRpc.VERSION.equals(m.getValue("jsonrpc"))) {
      return new Invalid(idJson, JsonRpc.invalidRequest("\"jsonrpc\" must be \"2.0\""));
    }
    if (!(m.getValue("method") instanceof String method)) {
      return new Invalid(idJson, JsonRpc.invalidRequest("\"method\" must be a string"));
    }
    Object params = m.getValue("params");
    if (params == null) {
      return new Request(idJson, method, new JsonObject());
    }
    return new Request(idJson, method, params instanceof JsonObject p ? p : null);
  }
}
