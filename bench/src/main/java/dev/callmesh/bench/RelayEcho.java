package dev.callmesh.bench;

import dev.callmesh.protocol.frame.FrameDecoder;
import dev.callmesh.protocol.frame.FrameEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;

/**
 * The relay's responder: reads length-prefixed frames (callmesh framing) and writes each one back
 * unchanged, without parsing its JSON. Prints {@code relay echo ready on PORT}.
 *
 * <pre>
 * java -cp callmesh-bench.jar dev.callmesh.bench.RelayEcho
 * </pre>
 */
public final class RelayEcho {

  private RelayEcho() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    int port = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
        .connectHandler(sock -> {
          FrameDecoder decoder = new FrameDecoder(64 * 1024 * 1024);
          sock.handler(chunk -> {
            try {
              decoder.feed(chunk, body -> sock.write(FrameEncoder.frame(body)));
            } catch (RuntimeException e) {
              sock.close();
            }
          });
        })
        .listen().await().actualPort();
    System.out.println("relay echo ready on " + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
