package dev.callmesh.hub.impl;

import dev.callmesh.hub.Hub;
import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub: one TCP listener, the authorized keys, the routing table and the live connections. */
public final class HubImpl implements Hub {

  private static final Logger log = LoggerFactory.getLogger(HubImpl.class);

  private final Vertx vertx;
  private final HubOptions options;
  private final RoutingTable routes = RoutingTable.local();
  private final Map<String, HubConnection> sessions = new ConcurrentHashMap<>();
  private final OperationRegistry localOperations;
  private final KeysWatcher keysWatcher;
  private NetServer server;
  private String deploymentId;
  private SshKeyPair hubKey;
  private JwtIssuer jwt;
  private final ConnectionLimits limits;
  private final CallRate callRate;
  private final HubMetrics metrics;
  private volatile boolean shuttingDown;
  private Future<io.vertx.core.http.HttpServer> http;
  private io.vertx.core.WorkerExecutor authWorkers;

  public HubImpl(Vertx vertx, HubOptions options) {
    this.vertx = vertx;
    this.options = new HubOptions(options);
    this.localOperations = HubOperations.registry(this);
    this.limits = new ConnectionLimits(this.options.getMaxConnections(), this.options.getMaxConnectionsPerSource());
    this.callRate = new CallRate(this.options.getMaxCallsPerSecond());
    this.keysWatcher = new KeysWatcher(vertx, this.options.getAuthorizedKeys(), this.options.getKeysPollMs(),
        this::onKeysChanged);
    this.metrics = HubMeters.create(this);
  }

  @Override
  public Future<Hub> start() {
    VerticleBase verticle = new VerticleBase() {
      @Override
      public Future<?> start() {
        return listen();
      }
    };
    return vertx.deployVerticle(verticle).map(id -> {
      deploymentId = id;
      return this;
    });
  }

  /** Runs on the hub verticle's context: everything the hub does stays on it. */
  private Future<Hub> listen() {
    return vertx.executeBlocking(() -> HubKey.loadOrCreate(options.getHubKey()), false).compose(key -> {
      hubKey = key;
      return keysWatcher.start();
    }).compose(v -> {
      jwt = new JwtIssuer(vertx, hubKey, options.getHubId(), this::keys);
      NetServerOptions tcp = new NetServerOptions()
          .setHost(options.getListen().host())
          .setPort(options.getListen().port())
          .setTcpNoDelay(true);
      TlsServerSettings.apply(tcp, options);
      server = vertx.createNetServer(tcp);
      server.connectHandler(this::accept);
      return server.listen();
    }).compose(s -> {
      if (options.getHttp() == null) {
        return Future.succeededFuture(s);
      }
      http = new HttpApi(this).listen();
      return http.map(x -> s);
    }).map(s -> {
      AuthorizedKeys keys = keysWatcher.keys();
      log.info("hub {} listening on {}://{}:{} with {}", options.getHubId(), options.isTls() ? "tls" : "tcp",
          options.getListen().host(), s.actualPort(), keys == null ? "no authorized keys yet (not ready)"
              : keys.size() + " authorized keys");
      return this;
    });
  }

  private void accept(NetSocket socket) {
    accept(EnvelopeTransport.create(socket, options.isTls() ? "tls" : "tcp", options.getMaxFrameBytes(),
        options.getJsonLimits()), null);
  }

  /** Takes a new connection (TCP or WebSocket) within the connection limits, and starts its handshake. */
  void accept(EnvelopeTransport transport, String urlToken) {
    metrics.trackConnection(transport);
    if (keysWatcher.keys() == null) {
      // UNAVAILABLE, which is retryable: spokes started with the hub keep trying until the file is there.
      refuse(transport, ErrorCode.UNAVAILABLE, "the hub has not loaded its authorized_keys file yet; try again in a moment");
      return;
    }
    String host = transport.remoteHost();
    String refused = shuttingDown ? "the hub is shutting down" : limits.tryAcquire(host);
    if (refused != null) {
      refuse(transport, ErrorCode.RESOURCE_EXHAUSTED, refused);
      return;
    }
    transport.closed().onComplete(v -> limits.release(host));
    HubHandshake.start(this, transport, urlToken);
  }

  private void refuse(EnvelopeTransport transport, ErrorCode code, String message) {
    metrics.handshakeFailed(code.wire());
    transport.closeWith(dev.callmesh.protocol.EventEnvelope.of(dev.callmesh.protocol.EventTypes.AUTH_DENIED,
        new JsonObject().put("code", code.wire()).put("message", message)));
  }

  /** Registers a welcomed connection: starts its engine and, for a spoke, its route. */
  HubConnection admit(EnvelopeTransport transport, AuthorizedKey key, String spoke, List<OperationSpec> operations) {
    HubConnection conn = new HubConnection(UUID.randomUUID().toString(), key, spoke);
    conn.engine = CallEngine.create(transport, new HubRouter(this, conn),
        new CallEngineOptions().setHeartbeatMs(options.getHeartbeatMs()).setMaxInboundInFlight(options.getMaxInFlight()));
    sessions.put(conn.session, conn);
    if (spoke != null) {
      SpokeRoute route = new SpokeRoute(new SpokeInfo(spoke, key.id(), conn.connectedAt, transport.remoteAddress(),
          transport.transportName(), List.copyOf(operations)), conn.engine);
      conn.route = route;
      RoutingTable.Route old = routes.put(route);
      if (old != null) {
        log.info("spoke {} reconnected from {}; closing its old connection", spoke, transport.remoteAddress());
        old.engine().transport().bye(ErrorCode.ABORTED, "replaced by a newer connection of the same spoke");
      }
    }
    conn.engine.closeFuture().onComplete(v -> {
      sessions.remove(conn.session);
      if (conn.route != null && routes.remove(conn.route)) {
        log.info("spoke {} left", spoke);
      }
    });
    return conn;
  }

  /** Replaces a spoke's operation set while it stays connected. */
  void replaceOperations(HubConnection conn, List<OperationSpec> specs) {
    RoutingTable.Route old = conn.route;
    SpokeInfo info = old.info();
    SpokeRoute updated = new SpokeRoute(new SpokeInfo(info.name(), info.identity(), info.connectedAt(),
        info.remoteAddress(), info.transport(), List.copyOf(specs)), old.engine());
    if (routes.update(old, updated)) {
      conn.route = updated;
    }
  }

  /**
   * Registers an HTTP request's caller for the length of its call, so the hub's own operations can
   * find it like any connection.
   */
  HubConnection httpCaller(AuthorizedKey key) {
    HubConnection conn = new HubConnection(UUID.randomUUID().toString(), key, null);
    sessions.put(conn.session, conn);
    return conn;
  }

  void forget(HubConnection conn) {
    sessions.remove(conn.session, conn);
  }

  private void onKeysChanged(AuthorizedKeys keys) {
    for (HubConnection conn : new ArrayList<>(sessions.values())) {
      if (conn.engine == null) {
        continue; // an HTTP request: checked again on its next request
      }
      AuthorizedKey now = keys.find(conn.key.key()).orElse(null);
      if (now == null) {
        log.info("key of {} was removed from authorized_keys; closing its connection", conn.key.id());
        conn.engine.transport().bye(ErrorCode.UNAUTHENTICATED, "your key was removed from the hub's authorized_keys");
      } else {
        conn.key = now;
      }
    }
  }

  @Override
  public Future<Object> call(String path, JsonObject input) {
    int slash = path.indexOf('/', 1);
    RoutingTable.Route route = slash < 0 ? null : routes.get(path.substring(1, slash));
    if (route == null) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "no spoke connected for " + path));
    }
    String relative = path.substring(slash);
    OperationSpec spec = route.info().operation(relative);
    if (spec == null || spec.opType() == OperationType.SUBSCRIPTION) {
      return Future.failedFuture(CallException.of(ErrorCode.NOT_FOUND, "no query or mutation " + path));
    }
    return route.engine().call(new JsonObject().put("operationId", relative).put("input", input)
        .put("caller", new JsonObject().put("id", "hub").put("spoke", (String) null)));
  }

  /** @return the hub's own key pair (it signs the hub's tokens) */
  SshKeyPair hubKey() {
    return hubKey;
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * @return the threads that check handshake signatures (Ed25519 verification is CPU work of about a
   *     millisecond): one per core, so handshakes use every core and never stall the event loop
   */
  synchronized io.vertx.core.WorkerExecutor authWorkers() {
    if (authWorkers == null) {
      authWorkers = vertx.createSharedWorkerExecutor("callmesh-auth", Runtime.getRuntime().availableProcessors());
    }
    return authWorkers;
  }

  HubOptions options() {
    return options;
  }

  /** @return the keys in force, or {@code null} while the authorized_keys file has not been loaded */
  AuthorizedKeys keys() {
    return keysWatcher.keys();
  }

  /** @return why the authorized_keys file is not loaded yet, or {@code null} once it is */
  String keysProblem() {
    return keysWatcher.problem();
  }

  HubMetrics metrics() {
    return metrics;
  }

  @Override
  public RoutingTable routes() {
    return routes;
  }

  OperationRegistry localOperations() {
    return localOperations;
  }

  HubConnection session(String id) {
    return id == null ? null : sessions.get(id);
  }

  @Override
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public int httpPort() {
    return http == null || http.result() == null ? -1 : http.result().actualPort();
  }

  JwtIssuer jwt() {
    return jwt;
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  CallRate callRate() {
    return callRate;
  }

  /** @return calls made to the hub that it is serving now: forwarding to a spoke, or answering itself */
  int callsServing() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? 1 : c.engine.inboundCount();
    }
    return n;
  }

  /** @return calls running through the hub now: those connections made to it and those it made */
  private int callsInFlight() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? 1 : c.engine.inboundCount() + c.engine.pendingCount();
    }
    return n;
  }

  @Override
  public Future<Void> shutdown(java.time.Duration grace) {
    // New connections are refused from now on (closing the listeners would also close the connections
    // whose calls should finish); the listeners close with everything else once the calls are done.
    shuttingDown = true;
    long deadline = System.nanoTime() + grace.toNanos();
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> vertx.setPeriodic(0, 50, t -> {
      if (callsInFlight() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        log.info("hub {} shutting down ({} calls were still running)", options.getHubId(), callsInFlight());
        drained.complete();
      }
    }));
    return drained.future().compose(v -> close());
  }

  @Override
  public int pendingCount() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? 0 : c.engine.pendingCount();
    }
    return n;
  }

  @Override
  public Future<Void> close() {
    keysWatcher.stop();
    synchronized (this) {
      if (authWorkers != null) {
        authWorkers.close();
        authWorkers = null;
      }
    }
    shuttingDown = true;
    // bye first, then the listeners: closing a listener also closes its connections, which would race
    // with the bye (each connection closes within a second of its bye, even when its peer does not read).
    List<Future<Void>> closing = new ArrayList<>();
    for (HubConnection c : sessions.values()) {
      if (c.engine == null) {
        continue;
      }
      c.engine.transport().bye(ErrorCode.UNAVAILABLE, "the hub is shutting down");
      closing.add(c.engine.closeFuture());
    }
    Future<Void> undeployed = Future.join(closing).transform(ar -> {
      Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
      if (http != null && http.result() != null) {
        stopped = stopped.compose(v -> http.result().close());
      }
      return stopped;
    }).mapEmpty();
    Future<Void> closed = deploymentId == null ? undeployed
        : undeployed.compose(v -> vertx.undeploy(deploymentId)).onComplete(ar -> deploymentId = null);
    return closed.onComplete(ar -> metrics.close());
  }
}
