package dev.callmesh.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that takes whole messages in one frame still writes frames a peer limited to 64 KiB accepts:
 * big text (with characters of every UTF-8 width, surrogate pairs included) and binary arrive whole.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketMessagesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void bigMessagesReachAPeerThatTakesNoFrameOver64KiB() throws Exception {
    String text = "a\u00e9\u20ac\ud83d\ude00".repeat(30_000) + "end"; // 1, 2, 3 and 4 bytes: 300 kB
    Buffer bin = Buffer.buffer(new byte[200_000]).setByte(199_999, (byte) 7);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(1 << 20)
            .setMaxWebSocketMessageSize(1 << 20))
        .webSocketHandler(ws -> {
          WebSocketMessages.writeText(ws, text);
          WebSocketMessages.writeBinary(ws, bin);
          WebSocketMessages.writeText(ws, "small");
        }).listen(0, "127.0.0.1").await();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(65536)
        .setMaxMessageSize(1 << 20));
    BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/")).map(w -> w.textMessageHandler(got::add).binaryMessageHandler(got::add)).await();
    assertEquals(text, got.poll(10, TimeUnit.SECONDS));
    assertEquals(bin, got.poll(10, TimeUnit.SECONDS));
    assertEquals("small", got.poll(10, TimeUnit.SECONDS));
    ws.close().await();
  }
}
