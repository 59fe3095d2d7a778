package dev.callmesh.hub.impl.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a request with an {@code Idempotency-Key}, as kept for its repeats: the status, the headers
 * that say something about the outcome ({@link #KEPT_HEADERS}), and the body as JSON text (a repeat may ask
 * for another format).
 *
 * @param status the status code
 * @param headers the kept headers, by name
 * @param json the body as JSON text
 */
public record StoredResponse(int status, Map<String, String> headers, Buffer json) {

  /** The headers a replay repeats: where a job is, and the trace the first answer belonged to. */
  public static final String[] KEPT_HEADERS = {"Location", "traceparent"};

  /** Keeps copies: a stored response never changes. */
  public StoredResponse {
    headers = Map.copyOf(headers);
    json = Objects.requireNonNull(json, "json").copy();
  }

  /** @return about how many bytes it holds in memory */
  public int size() {
    int n = 64 + json.length();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      n += h.getKey().length() + h.getValue().length() + 16;
    }
    return n;
  }

  /** @return it as JSON, for a store shared between hubs */
  public JsonObject toJson() {
    JsonObject h = new JsonObject();
    headers.forEach(h::put);
    return new JsonObject().put("status", status).put("headers", h).put("body", json.getBytes());
  }

  /** @return the response {@link #toJson} wrote */
  public static StoredResponse fromJson(JsonObject o) {
    Map<String, String> h = new LinkedHashMap<>();
    o.getJsonObject("headers", new JsonObject()).forEach(e -> h.put(e.getKey(), String.valueOf(e.getValue())));
    return new StoredResponse(o.getInteger("status"), h, Buffer.buffer(o.getBinary("body")));
  }
}
