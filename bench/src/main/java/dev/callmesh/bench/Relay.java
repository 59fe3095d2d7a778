package dev.callmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The floor: a TCP relay that forwards bytes without looking at them. Each accepted connection is
 * paired with a new connection to the target, and bytes are forwarded both ways as they arrive.
 * Prints {@code relay listening on PORT}.
 *
 * <pre>
 * java -cp callmesh-bench.jar dev.callmesh.bench.Relay TARGET_PORT
 * </pre>
 */
public final class Relay {

  private Relay() {
  }

  public static void main(String[] args) throws Exception {
    int target = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    server.connectHandler(in -> {
      in.pause();
      client.connect(target, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        // Plain forwarding without pause/drain: the callers keep at most 64 calls in flight, so what
        // can queue here is bounded by the load itself.
        in.handler(out::write);
        out.handler(in::write);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      });
    });
    int port = server.listen().await().actualPort();
    System.out.println("relay listening on " + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
