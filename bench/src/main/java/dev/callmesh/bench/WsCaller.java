package dev.callmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A caller on one text WebSocket of the hub, correlating answers by id: the native envelopes of
 * {@code /v1/ws} (after the handshake with a token in the URL; pings are answered) or JSON-RPC 2.0 on
 * {@code /v1/jsonrpc}. Both build their requests and read their answers the same way (Vert.x JSON), so
 * the figures differ by what the hub does, not by the client.
 */
final class WsCaller implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket ws;
  private final boolean rpc;
  private final String operation;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> welcomed = new CompletableFuture<>();

  private WsCaller(WebSocketClient client, WebSocket ws, boolean rpc, String operation) {
    this.client = client;
    this.ws = ws;
    this.rpc = rpc;
    this.operation = operation;
    ws.textMessageHandler(this::onText);
  }

  static WsCaller envelope(Vertx vertx, int port, String token, String operation) throws Exception {
    WsCaller c = connect(vertx, port, "/v1/ws?token=" + token, false, operation);
    c.welcomed.get(30, TimeUnit.SECONDS);
    return c;
  }

  static WsCaller jsonRpc(Vertx vertx, int port, String token, String operation) throws Exception {
    return connect(vertx, port, "/v1/jsonrpc?token=" + token, true, operation);
  }

  private static WsCaller connect(Vertx vertx, int port, String uri, boolean rpc, String operation) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(16 << 20));
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .map(ws -> new WsCaller(client, ws, rpc, operation)).await(30, TimeUnit.SECONDS);
  }

  /** @return a load target calling the operation with the input */
  LoadDriver.Target target(JsonObject input) {
    return seq -> {
      String id = Long.toString(ids.incrementAndGet());
      CompletableFuture<Object> answer = new CompletableFuture<>();
      pending.put(id, answer);
      JsonObject msg = rpc
          ? new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", operation).put("params", input)
          : new JsonObject().put("type", "call.requested").put("id", id)
              .put("payload", new JsonObject().put("operationId", operation).put("input", input));
      ws.writeTextMessage(msg.encode()).onFailure(answer::completeExceptionally);
      return answer;
    };
  }

  private void onText(String text) {
    JsonObject m = new JsonObject(text);
    if (rpc) {
      CompletableFuture<Object> f = pending.remove(String.valueOf(m.getValue("id")));
      if (f != null) {
        if (m.containsKey("error")) {
          f.completeExceptionally(new IllegalStateException(m.getJsonObject("error").encode()));
        } else {
          f.complete(m.getValue("result"));
        }
      }
      return;
    }
    switch (m.getString("type")) {
      case "auth.challenge" -> ws.writeTextMessage(new JsonObject().put("type", "auth.hello").put("id", "")
          .put("payload", new JsonObject()).encode());
      case "auth.welcome" -> welcomed.complete(null);
      case "ping" -> ws.writeTextMessage(m.put("type", "pong").encode());
      case "call.responded", "call.error" -> {
        CompletableFuture<Object> f = pending.remove(m.getString("id"));
        if (f != null && m.getString("type").equals("call.error")) {
          f.completeExceptionally(new IllegalStateException(m.getJsonObject("payload").encode()));
        } else if (f != null) {
          f.complete(m.getJsonObject("payload").getValue("output"));
        }
      }
      default -> {
        if (!welcomed.isDone()) {
          welcomed.completeExceptionally(new IllegalStateException("handshake: " + text));
        }
      }
    }
  }

  @Override
  public void close() {
    ws.close();
    client.close();
  }
}
