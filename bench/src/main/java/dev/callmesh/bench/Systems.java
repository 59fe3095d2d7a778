package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import io.nats.client.Connection;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/** The callers of the three systems, as {@link LoadDriver.Target}s. */
final class Systems {

  static final String CALLMESH = "callmesh";
  static final String NATS = "nats";
  static final String RELAY = "relay";
  static final String[] ALL = {CALLMESH, NATS, RELAY};

  private Systems() {
  }

  /** @return the echo input: {@code {"data": <size ASCII characters>}} */
  static JsonObject input(int size) {
    StringBuilder sb = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      sb.append((char) ('a' + i % 26));
    }
    return new JsonObject().put("data", sb.toString());
  }

  /**
   * @param spokes how many spokes to spread over (1: the spoke {@code echo}; more: {@code PREFIX-00000}...)
   * @param random pick the spoke at random instead of round robin
   */
  static LoadDriver.Target callmesh(CallmeshClient client, JsonObject input, String prefix, int spokes, boolean random) {
    if (spokes == 1) {
      String path = "/" + prefix + "/echo/echo";
      return seq -> client.call(path, input).toCompletionStage();
    }
    String[] paths = new String[spokes];
    for (int i = 0; i < spokes; i++) {
      paths[i] = "/" + EchoSpoke.spokeName(prefix, i, spokes) + "/echo/echo";
    }
    return seq -> client.call(paths[pick(seq, spokes, random)], input).toCompletionStage();
  }

  /** The same JSON body as callmesh's input, published as a NATS request; the reply is decoded as JSON. */
  static LoadDriver.Target nats(Connection nc, JsonObject input, String prefix, int subjects) {
    String[] subject = new String[subjects];
    for (int i = 0; i < subjects; i++) {
      subject[i] = prefix + "." + i;
    }
    return seq -> {
      byte[] body = input.toBuffer().getBytes();
      return nc.request(subject[pick(seq, subjects, false)], body)
          .thenApply(m -> new JsonObject(io.vertx.core.buffer.Buffer.buffer(m.getData())));
    };
  }

  static LoadDriver.Target relay(RelayClient client, JsonObject input) {
    return seq -> client.call(input);
  }

  private static int pick(long seq, int n, boolean random) {
    return random ? ThreadLocalRandom.current().nextInt(n) : (int) (seq % n);
  }
}
