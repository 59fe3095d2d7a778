package dev.callmesh.client;

import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The Java client of a callmesh hub: connect once, then call any operation by its full path.
 *
 * <pre>{@code
 * CallmeshClient client = CallmeshClient.connect(vertx, new ConnectOptions()
 *     .setHubUrl(HubUrl.parse("tcp://127.0.0.1:7400"))
 *     .setCredentials(Credentials.key(SshKeyPair.load(Path.of("id_ed25519"), null)))).await();
 * Object out = client.call("/dev1/fs/readFile", new JsonObject().put("path", "README.md")).await();
 * }</pre>
 */
public final class CallmeshClient {

  private final HubConnector connector;
  private final HubSession session;

  private CallmeshClient(HubConnector connector, HubSession session) {
    this.connector = connector;
    this.session = session;
  }

  /**
   * @param vertx the Vert.x instance
   * @param options the hub and the credentials
   * @return a future of the connected client, or failed with a
   *     {@link dev.callmesh.protocol.CallException} (UNAVAILABLE, UNAUTHENTICATED, FORBIDDEN, ...)
   */
  public static Future<CallmeshClient> connect(Vertx vertx, ConnectOptions options) {
    HubConnector connector = new HubConnector(vertx, options);
    return connector.connect(options)
        .map(s -> new CallmeshClient(connector, s))
        .onFailure(err -> connector.close());
  }

  /**
   * Calls a query or mutation with the default deadline (30 s).
   *
   * @param path the full path, e.g. {@code /dev1/fs/readFile}
   * @param input the input
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  public Future<Object> call(String path, JsonObject input) {
    return session.engine().call(path, input);
  }

  /**
   * Calls a query or mutation.
   *
   * @param path the full path
   * @param input the input
   * @param timeoutMs the deadline, carried to every hop
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  public Future<Object> call(String path, JsonObject input, long timeoutMs) {
    return session.engine().call(new JsonObject().put("operationId", path).put("input", input)
        .put("timeoutMs", timeoutMs));
  }

  /**
   * Calls a query or mutation with a full request.
   *
   * @param request a {@code call.requested} payload: {@code operationId}, {@code input}, and any of
   *     {@code timeoutMs}, {@code metadata} (e.g. a W3C {@code traceparent}; one is added when missing), ...
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  public Future<Object> call(JsonObject request) {
    return session.engine().call(request);
  }

  /**
   * Subscribes to a subscription operation (or streams any operation's outputs).
   *
   * @param path the full path, e.g. {@code /dev1/bash/exec}
   * @param input the input
   * @return the outputs as a {@link io.vertx.core.streams.ReadStream}; {@code pause()} and {@code fetch(n)}
   *     hold the producer back through the call's window
   */
  public CallStream subscribe(String path, JsonObject input) {
    return subscribe(new JsonObject().put("operationId", path).put("input", input), CallStream.DEFAULT_WINDOW);
  }

  /**
   * @param request a full {@code call.requested} payload (timeouts, metadata, ...)
   * @param window how many outputs may be in flight unconsumed
   * @return the outputs as a stream
   */
  public CallStream subscribe(JsonObject request, int window) {
    return CallStream.open(session.engine(), request, window);
  }

  /** @return the hub's welcome: identity, session, limits */
  public JsonObject welcome() {
    return session.welcome();
  }

  /** @return the engine of the connection (pending counts, close future) */
  public CallEngine engine() {
    return session.engine();
  }

  /** Says {@code bye} and closes. @return a future completed when closed */
  public Future<Void> close() {
    return session.close().compose(v -> connector.close());
  }
}
