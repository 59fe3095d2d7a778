package dev.callmesh.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * The NATS responder: COUNT jnats connections, connection i subscribed to {@code PREFIX.i}, each
 * publishing every request's data back to its reply subject. Prints {@code connected to URL} when
 * every subscription is in place.
 *
 * <pre>
 * java -cp callmesh-bench.jar dev.callmesh.bench.NatsEcho nats://127.0.0.1:PORT PREFIX COUNT
 * </pre>
 */
public final class NatsEcho {

  private NatsEcho() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    List<Connection> conns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Connection nc = Nats.connect(new Options.Builder().server(url).maxReconnects(-1).build());
      Dispatcher d = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), msg.getData()));
      d.subscribe(prefix + "." + i);
      nc.flush(java.time.Duration.ofSeconds(10));
      conns.add(nc);
    }
    System.out.println("nats echo " + prefix + " x" + count + " connected to " + url);
    System.out.flush();
    Thread.currentThread().join();
  }
}
