package dev.callmesh.bench;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The callmesh responder: one JVM holding one or many spoke sessions, each serving {@code /echo/echo},
 * which returns its input (and {@code /fs/stat}, from memory). With {@code --count 1} the spoke is named PREFIX; otherwise
 * PREFIX-00000, PREFIX-00001, ... Prints {@code connected to URL} once every session is up.
 *
 * <pre>
 * java -cp callmesh-bench.jar dev.callmesh.bench.EchoSpoke HUB_URL KEY_FILE PREFIX COUNT [PARALLEL_HANDSHAKES]
 * </pre>
 */
public final class EchoSpoke {

  private EchoSpoke() {
  }

  /**
   * @return the registry with {@code /echo/echo}, and {@code /fs/stat} answered from memory (the fan-out
   *     scenario's operation: a spoke's cheapest real-looking answer, without touching a disk)
   */
  static OperationRegistry registry() {
    OperationSpec echo = new OperationSpec("/echo/echo", "echo", OperationType.QUERY,
        "Returns its input unchanged.", new JsonObject().put("type", "object"), new JsonObject(), null);
    OperationSpec stat = new OperationSpec("/fs/stat", "fs", OperationType.QUERY,
        "The same made-up file for every path.", new JsonObject().put("type", "object"), new JsonObject(), null);
    return OperationRegistry.create().register(echo, (ctx, input) -> Future.succeededFuture(input))
        .register(stat, (ctx, input) -> Future.succeededFuture(new JsonObject().put("path", input.getString("path", "."))
            .put("type", "file").put("size", 4096).put("modifiedAt", "2026-01-01T00:00:00Z").put("mode", "0644")));
  }

  /** @return the spoke name of number i among count */
  static String spokeName(String prefix, int i, int count) {
    return count == 1 ? prefix : String.format("%s-%05d", prefix, i);
  }

  public static void main(String[] args) throws Exception {
    HubUrl hub = HubUrl.parse(args[0]);
    SshKeyPair key = SshKeyPair.load(Path.of(args[1]), null);
    String prefix = args[2];
    int count = Integer.parseInt(args[3]);
    int parallel = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    OperationRegistry registry = registry();
    JsonArray ops = new JsonArray().add(registry.spec("/echo/echo").toJson()).add(registry.spec("/fs/stat").toJson());
    Vertx vertx = Vertx.vertx();
    ConnectOptions base = new ConnectOptions().setHubUrl(hub).setCredentials(Credentials.key(key));
    HubConnector connector = new HubConnector(vertx, base);
    List<HubSession> sessions = new ArrayList<>(count);
    Semaphore permits = new Semaphore(parallel);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < count && failure.get() == null; i++) {
      permits.acquire();
      ConnectOptions o = new ConnectOptions().setHubUrl(hub).setCredentials(Credentials.key(key))
          .setSpokeName(spokeName(prefix, i, count)).setOperations(ops).setCallHandler(registry)
          .setHandshakeTimeoutMs(60_000);
      connector.connect(o).onComplete(ar -> {
        permits.release();
        if (ar.succeeded()) {
          synchronized (sessions) {
            sessions.add(ar.result());
          }
        } else {
          failure.compareAndSet(null, ar.cause());
        }
      });
    }
    permits.acquire(parallel);
    long nanos = System.nanoTime() - t0;
    if (failure.get() != null) {
      System.err.println("echo-spoke: " + failure.get());
      System.exit(1);
    }
    double secs = nanos / 1e9;
    System.out.printf("handshakes %d in %.3f s: %.1f/s%n", count, secs, count / secs);
    System.out.println("echo spoke " + prefix + " x" + count + " connected to " + hub);
    System.out.flush();
    Thread.currentThread().join();
  }
}
