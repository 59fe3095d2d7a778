package dev.callmesh.it;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for tests, on Vert.x's own {@link WebSocketClient}, used blockingly: what arrives
 * (text as String, binary as Buffer) queues up, and the close code and reason the hub sent are kept.
 */
final class WsPeer implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private WsPeer(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(received::add);
    ws.binaryMessageHandler(received::add);
    ws.closeHandler(v -> closed.countDown());
  }

  /** Connects to 127.0.0.1:port at the URI with the extra headers; fails as the upgrade fails. */
  static WsPeer connect(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(65536)); // Vert.x's default frame limit
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::addHeader);
    try {
      // the handlers are set as the connection completes, on its context, before any message is delivered
      return client.connect(o).map(ws -> new WsPeer(client, ws)).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  static WsPeer connect(Vertx vertx, int port, String uri) throws Exception {
    return connect(vertx, port, uri, Map.of());
  }

  void send(String text) throws Exception {
    ws.writeTextMessage(text).await(10, TimeUnit.SECONDS);
  }

  void send(Buffer binary) throws Exception {
    ws.writeBinaryMessage(binary).await(10, TimeUnit.SECONDS);
  }

  /** @return the next message (String or Buffer), or {@code null} when none came within the time */
  Object next(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** @return the next text message decoded as JSON (a JsonObject or JsonArray); fails when none came in 10 s */
  Object nextJson() throws InterruptedException {
    Object m = next(10_000);
    if (!(m instanceof String s)) {
      throw new AssertionError("expected a text message, got " + m + (isClosed() ? " (closed " + closeCode() + ")" : ""));
    }
    return Json.decodeValue(s);
  }

  /** @return the next binary message; fails when none came within 10 s */
  Buffer nextBinary() throws InterruptedException {
    Object m = next(10_000);
    if (!(m instanceof Buffer b)) {
      throw new AssertionError("expected a binary message, got " + m);
    }
    return b;
  }

  /** @return whether the socket closes within the time */
  boolean closesWithin(long millis) throws InterruptedException {
    return closed.await(millis, TimeUnit.MILLISECONDS);
  }

  boolean isClosed() {
    return closed.getCount() == 0;
  }

  /** @return the close code the hub sent (1006 when it sent none), or {@code null} while open */
  Short closeCode() {
    return isClosed() ? ws.closeStatusCode() : null; // Vert.x's own throws while the socket is open
  }

  String closeReason() {
    return ws.closeReason();
  }

  /** Closes normally (1000) from this side. */
  void closeNormally() throws Exception {
    ws.close().await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      if (!isClosed()) {
        ws.close().await(5, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // already gone
    }
    client.close();
  }
}
