package dev.callmesh.bench;

import dev.callmesh.protocol.frame.FrameDecoder;
import dev.callmesh.protocol.frame.FrameEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's caller: writes {@code call.requested} envelopes in callmesh framing on one connection
 * and matches the echoed frames by id, decoding their JSON as a callmesh client would.
 *
 * <p>It holds on to its {@link NetClient}: Vert.x shuts down a client that nothing references any more once the
 * garbage collector finds it (with a 30 s grace period), and after that the client's connection dropped every
 * write without an error and without closing (the relay's "lost calls": every call timed out).
 */
final class RelayClient implements AutoCloseable {

  private final NetClient client;
  private final io.vertx.core.Context context;
  private final NetSocket socket;
  private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private RelayClient(NetClient client, io.vertx.core.Context context, NetSocket socket) {
    this.client = client;
    this.context = context;
    this.socket = socket;
    FrameDecoder decoder = new FrameDecoder(64 * 1024 * 1024);
    socket.handler(chunk -> {
      try {
        decoder.feed(chunk, body -> {
          JsonObject env = new JsonObject(body);
          CompletableFuture<JsonObject> p = pending.remove(env.getString("id"));
          if (p != null) {
            p.complete(env.getJsonObject("payload"));
          } else {
            System.err.println("relay client: orphan reply " + env.getString("id"));
          }
        });
      } catch (RuntimeException e) {
        System.err.println("relay client: " + e);
        socket.close();
      }
    });
    socket.closeHandler(v -> pending.values().forEach(p -> p.completeExceptionally(new IllegalStateException("relay closed"))));
  }

  /** @return a client connected to the relay on the port */
  static RelayClient connect(Vertx vertx, int port) {
    // Connect, set the handler and write, all on the socket's own event loop (as HubConnector does).
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    io.vertx.core.Promise<RelayClient> made = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> {
      NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
      client.connect(port, "127.0.0.1").map(sock -> new RelayClient(client, ctx, sock)).onComplete(made);
    });
    return made.future().await();
  }

  /** @return completed with the echoed payload */
  CompletionStage<JsonObject> call(JsonObject input) {
    String id = "r-" + ids.incrementAndGet();
    CompletableFuture<JsonObject> p = new CompletableFuture<>();
    pending.put(id, p);
    JsonObject env = new JsonObject().put("type", "call.requested").put("id", id)
        .put("payload", new JsonObject().put("operationId", "/echo/echo").put("input", input));
    io.vertx.core.buffer.Buffer frame = FrameEncoder.frame(env.toBuffer());
    if (io.vertx.core.Vertx.currentContext() == context) {
      write(id, frame);
    } else {
      context.runOnContext(v -> write(id, frame));
    }
    return p;
  }

  /** Writes a request; one that cannot be written fails its call at once. */
  private void write(String id, io.vertx.core.buffer.Buffer frame) {
    socket.write(frame).onFailure(err -> {
      CompletableFuture<JsonObject> p = pending.remove(id);
      if (p != null) {
        p.completeExceptionally(err);
      }
    });
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
