package dev.callmesh.client.impl;

import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A hub that speaks just enough of the wire protocol for the client's tests, written apart from the
 * protocol's own code: length-prefixed JSON frames, a challenge, any hello welcomed (heartbeats off), and
 * each {@code call.requested} answered as {@link #behaviour} says. It can drop its connections, stop
 * listening and listen again on the same port.
 */
final class FakeHub {

  /** How to answer one call: outputs (then {@code call.completed} for a stream), an error, or nothing. */
  record Reply(List<Object> outputs, JsonObject error) {
    static Reply output(Object out) {
      return new Reply(List.of(out), null);
    }

    static Reply outputs(Object... outs) {
      return new Reply(List.of(outs), null);
    }

    static Reply error(String code, boolean retryable) {
      return new Reply(List.of(), new JsonObject().put("code", code).put("message", "fake " + code)
          .put("retryable", retryable));
    }

    static Reply outputsThenError(String code, Object... outs) {
      return new Reply(List.of(outs), error(code, true).error());
    }

    static Reply silence() {
      return new Reply(List.of(), null);
    }
  }

  private final Vertx vertx;
  private NetServer server;
  int port;
  final AtomicInteger accepted = new AtomicInteger();
  final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  /** Every call.requested payload received, in order. */
  final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  /** Per path, the opType /services/schema gives (a NOT_FOUND error for a path not in it). */
  final Map<String, String> opTypes = new ConcurrentHashMap<>();
  volatile Function<JsonObject, Reply> behaviour = p -> Reply.output(new JsonObject().put("ok", true));

  FakeHub(Vertx vertx) {
    this.vertx = vertx;
  }

  /** @return this hub, listening on the port it had (or a free one the first time) */
  FakeHub listen() {
    server = vertx.createNetServer().connectHandler(this::accept);
    port = server.listen(port, "127.0.0.1").await().actualPort();
    return this;
  }

  /** @return its URL */
  HubUrl url() {
    return HubUrl.parse("tcp://127.0.0.1:" + port);
  }

  /** @return how many calls to that path it received */
  long count(String path) {
    return requests.stream().filter(r -> path.equals(r.getString("operationId"))).count();
  }

  /** Closes every connection, keeps listening. */
  void dropConnections() {
    sockets.forEach(NetSocket::close);
  }

  /** Stops listening and closes every connection, as a killed hub would. */
  void stop() {
    server.close().await();
    dropConnections();
  }

  private void accept(NetSocket socket) {
    accepted.incrementAndGet();
    sockets.add(socket);
    socket.closeHandler(v -> sockets.remove(socket));
    RecordParser parser = RecordParser.newFixed(4);
    int[] size = {-1};
    parser.handler(chunk -> {
      if (size[0] < 0) {
        size[0] = chunk.getInt(0);
        parser.fixedSizeMode(size[0]);
      } else {
        size[0] = -1;
        parser.fixedSizeMode(4);
        onEnvelope(socket, new JsonObject(chunk));
      }
    });
    socket.handler(parser);
    send(socket, "auth.challenge", "", new JsonObject().put("protocol", "callmesh/1").put("hub", "fake")
        .put("nonce", "AAAA"));
  }

  private void onEnvelope(NetSocket socket, JsonObject e) {
    String id = e.getString("id", "");
    JsonObject p = e.getJsonObject("payload", new JsonObject());
    switch (e.getString("type")) {
      case "auth.hello" -> send(socket, "auth.welcome", "", new JsonObject()
          .put("identity", new JsonObject().put("id", "tester").put("allow", new io.vertx.core.json.JsonArray().add("/*")))
          .put("session", "s" + accepted.get()).put("heartbeatMs", 0).put("maxFrameBytes", 16 << 20));
      case "call.requested" -> {
        requests.add(p);
        reply(socket, id, p);
      }
      case "ping" -> send(socket, "pong", "", p);
      default -> { }
    }
  }

  private void reply(NetSocket socket, String id, JsonObject p) {
    String op = p.getString("operationId");
    Reply r;
    if ("/services/schema".equals(op)) {
      String type = opTypes.get(p.getJsonObject("input").getString("name"));
      r = type == null ? Reply.error("NOT_FOUND", false)
          : Reply.output(new JsonObject().put("name", p.getJsonObject("input").getString("name")).put("opType", type));
    } else {
      r = behaviour.apply(p);
    }
    for (Object out : r.outputs()) {
      send(socket, "call.responded", id, new JsonObject().put("output", out));
    }
    if (r.error() != null) {
      send(socket, "call.error", id, r.error());
    } else if (!r.outputs().isEmpty() && p.containsKey("window")) {
      send(socket, "call.completed", id, new JsonObject());
    }
  }

  private static void send(NetSocket socket, String type, String id, JsonObject payload) {
    Buffer body = new JsonObject().put("type", type).put("id", id).put("payload", payload).toBuffer();
    socket.write(Buffer.buffer().appendInt(body.length()).appendBuffer(body));
  }
}
