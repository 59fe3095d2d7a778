package dev.callmesh.client;

import dev.callmesh.client.impl.CallmeshClientImpl;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The Java client of a callmesh hub, or of several hubs of one mesh: any operation the caller's identity
 * is allowed is called by its full path ({@code /SPOKE/SERVICE/OPERATION} or {@code /hub/...}).
 *
 * <pre>{@code
 * CallmeshClient client = CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions()
 *     .setHubUrls(HubUrl.parseList("tcp://hub-a:7400,tcp://hub-b:7400"))
 *     .setCredentials(Credentials.key(SshKeyPair.load(Path.of("id_ed25519"), null))))).await();
 * Object out = client.call("/dev1/fs/readFile", new JsonObject().put("path", "README.md")).await();
 * client.close().await();
 * }</pre>
 *
 * <p>It survives what a spoke survives (see {@link ClientOptions}): it connects to the first hub that
 * answers; when the connection is lost it dials the next hub, round robin, after jittered waits, skipping a
 * hub whose circuit breaker is open; calls made meanwhile wait for the new connection (bounded); a query
 * that fails with a retryable error ({@code UNAVAILABLE}, {@code TIMEOUT}, {@code RESOURCE_EXHAUSTED}) is
 * tried again within its deadline, other calls only when {@link CallOptions} allow it. Calls in flight on a
 * lost connection fail {@code UNAVAILABLE} unless they are tried again.
 *
 * <p>Every failure a future of this interface carries is a {@link dev.callmesh.protocol.CallException}, whose
 * {@code code()} is one of the protocol's error codes. Its methods may be called from any thread; futures
 * complete, stream handlers and {@link #eventHandler} run on the client's event-loop context (the one
 * {@link #connect} was called on, or a new one), so they must not block.
 */
public interface CallmeshClient {

  /** The state of the client's connection. */
  enum Status {
    /** Connecting for the first time. */
    CONNECTING,
    /** Connected to a hub: calls go out at once. */
    CONNECTED,
    /** The connection was lost and the client is dialling the next hub: calls wait. */
    RECONNECTING,
    /** The connection was lost and the client does not reconnect ({@link ClientOptions#setReconnect}). */
    DISCONNECTED,
    /** Closed: it no longer connects, calls fail. */
    CLOSED
  }

  /**
   * Connects with the default {@link ClientOptions}: reconnecting, waiting calls, queries retried 3 times,
   * a breaker per hub.
   *
   * @see #connect(Vertx, ClientOptions)
   */
  static Future<CallmeshClient> connect(Vertx vertx, ConnectOptions options) {
    return connect(vertx, new ClientOptions(options));
  }

  /**
   * Dials the hubs of {@link ConnectOptions#getHubUrls()} in order, over any of their URL schemes
   * ({@code tcp}, {@code tls}, {@code ws}, {@code wss}, {@code ssh}), and keeps the first that answers and
   * authenticates us: a hub that cannot be reached passes the turn to the next, a refusal ends the attempt,
   * since the hubs of one mesh answer alike. For {@code tls://} and {@code wss://} the hub's certificate is
   * checked against {@link ConnectOptions#getCaFile()} (else the JDK's trust store), and the client
   * certificate of {@link ConnectOptions#setClientCert} is presented when the hub asks for one.
   *
   * @param vertx the Vert.x instance the connections run on; closing it closes the client
   * @param options where and who, and how to ride out failures
   * @return a future of the connected client, or failed with a {@link dev.callmesh.protocol.CallException}:
   *     {@code UNAVAILABLE} when no hub can be reached (naming each and why) or its TLS handshake fails,
   *     {@code UNAUTHENTICATED} or {@code FORBIDDEN} when the hub refuses the credentials,
   *     {@code UNAUTHENTICATED} naming the file when the client certificate or its key cannot be read.
   *     Nothing stays open after a failure, and nothing keeps trying.
   */
  static Future<CallmeshClient> connect(Vertx vertx, ClientOptions options) {
    return CallmeshClientImpl.connect(vertx, options);
  }

  /**
   * Calls a query or mutation with the connection's default deadline
   * ({@link dev.callmesh.protocol.call.CallEngineOptions#getCallTimeoutMs()}, 30 s unless changed).
   *
   * @param path the full path, e.g. {@code /dev1/fs/readFile}
   * @param input the input, checked by the serving side against the operation's input schema
   * @return a future of the operation's output (a JSON value: {@code JsonObject}, {@code JsonArray},
   *     string, number, boolean or {@code null}), or failed with a {@link dev.callmesh.protocol.CallException}
   *     ({@code TIMEOUT} once the deadline passes; the call is then stopped on the spoke too)
   */
  Future<Object> call(String path, JsonObject input);

  /**
   * Calls a query or mutation with a deadline of its own.
   *
   * @param timeoutMs the deadline in milliseconds, for the whole call: carried to every hop (the hub and the
   *     spoke enforce it), and what is left of it to each retry
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  Future<Object> call(String path, JsonObject input, long timeoutMs);

  /**
   * Calls a query or mutation with options of its own: deadline, retries, the operation's type.
   *
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  Future<Object> call(String path, JsonObject input, CallOptions options);

  /**
   * Calls a query or mutation with a full request.
   *
   * @param request a {@code call.requested} payload: {@code operationId}, {@code input}, and any of
   *     {@code timeoutMs}, {@code idleTimeoutMs}, {@code metadata} (e.g. a W3C {@code traceparent}; one is
   *     added when missing); see docs/PROTOCOL.md
   * @return a future of the output, or failed with a {@link dev.callmesh.protocol.CallException}
   */
  Future<Object> call(JsonObject request);

  /** Calls with a full request and options of its own. @return as {@link #call(JsonObject)} */
  Future<Object> call(JsonObject request, CallOptions options);

  /**
   * Subscribes to a subscription operation (or streams any operation's outputs), with the default window
   * ({@link CallStream#DEFAULT_WINDOW}) and no deadline. Not tried again by default: see
   * {@link #subscribe(JsonObject, int, CallOptions)}.
   *
   * @param path the full path, e.g. {@code /dev1/bash/exec}
   * @param input the input
   * @return the outputs as a Vert.x {@link io.vertx.core.streams.ReadStream}, flowing once a handler is set;
   *     it ends with its {@code endHandler} when the operation completes, or its {@code exceptionHandler}
   *     with a {@link dev.callmesh.protocol.CallException}; {@code pause()} and {@code fetch(n)} hold the
   *     producer back through the call's window, and {@link CallStream#abort(String)} stops it
   */
  CallStream subscribe(String path, JsonObject input);

  /**
   * Subscribes with a full request and window.
   *
   * @param request a full {@code call.requested} payload; its {@code window} is set from {@code window}
   * @param window how many outputs may be in flight unconsumed before the producer waits, at least 1
   * @return the outputs as a stream, as {@link #subscribe(String, JsonObject)}
   * @throws IllegalArgumentException when {@code window} is below 1
   */
  CallStream subscribe(JsonObject request, int window);

  /**
   * Subscribes with a full request, window and options. A subscription is tried again only when the
   * options allow calls other than queries ({@link CallOptions#setRetryMutations}), and only until its
   * first output: outputs are never delivered twice.
   *
   * @return the outputs as a stream, as {@link #subscribe(String, JsonObject)}
   */
  CallStream subscribe(JsonObject request, int window, CallOptions options);

  /**
   * @param path a full operation path
   * @return a future of the operation's type as the hub describes it (asked once, then remembered), or of
   *     {@code null} when it cannot be learnt (no such operation, not allowed, no hub); never failed
   */
  Future<OperationType> operationType(String path);

  /**
   * @param handler receives each {@link ClientEvent} (connections, breakers, retries) on the client's
   *     context, or {@code null} for none. The first connection is reported by {@link #connect}'s future.
   * @return this
   */
  CallmeshClient eventHandler(Handler<ClientEvent> handler);

  /** @return the state of the connection */
  Status status();

  /** @return the hub of the current connection, or of the last one while there is none */
  HubUrl hubUrl();

  /**
   * @param hub one of the client's hub URLs
   * @return the state of that hub's circuit breaker
   * @throws IllegalArgumentException when it is not one of the client's
   */
  CircuitBreakerState breakerState(HubUrl hub);

  /**
   * @return the {@code auth.welcome} payload of the current (or last) connection: the identity the hub
   *     knows this client as, the session id, the hub's limits and heartbeat
   */
  JsonObject welcome();

  /**
   * @return the client as a call engine, for what this interface does not wrap: {@code pendingCount()} is
   *     the number of the client's calls that have not ended (waiting ones and those between attempts
   *     included), and {@code closeFuture()}, {@code peerBye()} and {@code transport()} are those of the
   *     current connection, or of the last one while there is none
   */
  CallEngine engine();

  /**
   * Stops reconnecting, says {@code bye} to the hub and closes the connection; calls still pending or
   * waiting fail with a {@link dev.callmesh.protocol.CallException}, and none is tried again.
   *
   * @return a future completed once the connection and the clients that dialled it are closed
   */
  Future<Void> close();
}
