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
 * The Java client of a callmesh hub: one authenticated connection, over which any operation the caller's
 * identity is allowed is called by its full path ({@code /SPOKE/SERVICE/OPERATION} or {@code /hub/...}).
 *
 * <pre>{@code
 * CallmeshClient client = CallmeshClient.connect(vertx, new ConnectOptions()
 *     .setHubUrl(HubUrl.parse("tcp://127.0.0.1:7400"))
 *     .setCredentials(Credentials.key(SshKeyPair.load(Path.of("id_ed25519"), null)))).await();
 * Object out = client.call("/dev1/fs/readFile", new JsonObject().put("path", "README.md")).await();
 * client.close().await();
 * }</pre>
 *
 * <p>Every failure a future of this class carries is a {@link dev.callmesh.protocol.CallException}, whose
 * {@code code()} is one of the protocol's error codes ({@code NOT_FOUND}, {@code FORBIDDEN},
 * {@code DEADLINE_EXCEEDED}, {@code UNAVAILABLE}, ...). The client does not reconnect, not even to another
 * of its hub URLs: once the connection is lost, its pending calls fail with {@code UNAVAILABLE} and a new
 * client must be connected. Its methods may be called from any thread; futures complete and stream
 * handlers run on the connection's event-loop context, so they must not block.
 */
public final class CallmeshClient {

  private final HubConnector connector;
  private final HubSession session;

  private CallmeshClient(HubConnector connector, HubSession session) {
    this.connector = connector;
    this.session = session;
  }

  /**
   * Dials the hub of {@code options}, over any of its URL schemes ({@code tcp}, {@code tls}, {@code ws},
   * {@code wss}, {@code ssh}), and authenticates. With several URLs
   * ({@link ConnectOptions#setHubUrls(java.util.List)}, hubs of one mesh) it connects to the first that
   * answers, trying them in order: an unreachable hub passes the turn to the next, a refusal ends the
   * attempt (see {@link HubConnector#connectFirst(ConnectOptions)}). For {@code tls://} and {@code wss://}
   * the hub's certificate is checked against {@link ConnectOptions#getCaFile()} (else the JDK's trust
   * store), and the client certificate of {@link ConnectOptions#setClientCert} is presented when the hub
   * asks for one.
   *
   * @param vertx the Vert.x instance the connection runs on; closing it closes the client
   * @param options the hub's URL, the credentials, TLS and SSH settings, the default call deadline
   * @return a future of the connected client, or failed with a {@link dev.callmesh.protocol.CallException}:
   *     {@code UNAVAILABLE} when no hub can be reached or its TLS handshake fails (an untrusted hub
   *     certificate, a client certificate refused or missing), {@code UNAUTHENTICATED} or
   *     {@code FORBIDDEN} when the hub refuses the credentials, {@code UNAUTHENTICATED} naming the file when
   *     the client certificate or its key cannot be read. Nothing stays open after a failure.
   */
  public static Future<CallmeshClient> connect(Vertx vertx, ConnectOptions options) {
    HubConnector connector = new HubConnector(vertx, options);
    return connector.connectFirst(options)
        .map(s -> new CallmeshClient(connector, s))
        .onFailure(err -> connector.close());
  }

  /**
   * Calls a query or mutation with the connection's default deadline
   * ({@link dev.callmesh.protocol.call.CallEngineOptions#getCallTimeoutMs()}, 30 s unless changed).
   *
   * @param path the full path, e.g. {@code /dev1/fs/readFile}
   * @param input the input, checked by the serving side against the operation's input schema
   * @return a future of the operation's output (a JSON value: {@code JsonObject}, {@code JsonArray},
   *     string, number, boolean or {@code null}), or failed with a {@link dev.callmesh.protocol.CallException}
   *     ({@code DEADLINE_EXCEEDED} once the deadline passes; the call is then stopped on the spoke too)
   */
  public Future<Object> call(String path, JsonObject input) {
    return session.engine().call(path, input);
  }

  /**
   * Calls a query or mutation with a deadline of its own.
   *
   * @param path the full path
   * @param input the input
   * @param timeoutMs the deadline in milliseconds, carried to every hop (the hub and the spoke enforce it)
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
   *     {@code timeoutMs}, {@code idleTimeoutMs}, {@code metadata} (e.g. a W3C {@code traceparent}; one is
   *     added when missing); see docs/PROTOCOL.md
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  public Future<Object> call(JsonObject request) {
    return session.engine().call(request);
  }

  /**
   * Subscribes to a subscription operation (or streams any operation's outputs), with the default window
   * ({@link CallStream#DEFAULT_WINDOW}) and no deadline.
   *
   * @param path the full path, e.g. {@code /dev1/bash/exec}
   * @param input the input
   * @return the outputs as a Vert.x {@link io.vertx.core.streams.ReadStream}, flowing once a handler is set;
   *     it ends with its {@code endHandler} when the operation completes, or its {@code exceptionHandler}
   *     with a {@link dev.callmesh.protocol.CallException}; {@code pause()} and {@code fetch(n)} hold the
   *     producer back through the call's window, and {@link CallStream#abort(String)} stops it
   */
  public CallStream subscribe(String path, JsonObject input) {
    return subscribe(new JsonObject().put("operationId", path).put("input", input), CallStream.DEFAULT_WINDOW);
  }

  /**
   * Subscribes with a full request and window.
   *
   * @param request a full {@code call.requested} payload ({@code timeoutMs}, {@code idleTimeoutMs},
   *     {@code metadata}, ...); its {@code window} is set from {@code window}
   * @param window how many outputs may be in flight unconsumed before the producer waits, at least 1
   * @return the outputs as a stream, as {@link #subscribe(String, JsonObject)}
   * @throws IllegalArgumentException when {@code window} is below 1
   */
  public CallStream subscribe(JsonObject request, int window) {
    return CallStream.open(session.engine(), request, window);
  }

  /**
   * @return the hub's {@code auth.welcome} payload: the identity the hub knows this client as, the session
   *     id, the hub's limits and heartbeat
   */
  public JsonObject welcome() {
    return session.welcome();
  }

  /**
   * @return the call engine of the connection, for what this class does not wrap: pending counts
   *     ({@code pendingCount()}, read on the connection's context) and {@code closeFuture()}, completed
   *     when the connection has closed, whichever side closed it
   */
  public CallEngine engine() {
    return session.engine();
  }

  /**
   * Says {@code bye} to the hub and closes the connection; calls still pending fail with a
   * {@link dev.callmesh.protocol.CallException}.
   *
   * @return a future completed once the connection and the clients that dialled it are closed
   */
  public Future<Void> close() {
    return session.close().compose(v -> connector.close());
  }
}
