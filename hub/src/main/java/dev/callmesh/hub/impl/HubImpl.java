package dev.callmesh.hub.impl;

import dev.callmesh.hub.Hub;
import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.jobs.JobService;
import dev.callmesh.hub.impl.jobs.JobStore;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: wires its parts and runs their lifecycle. The way in ({@link HubAcceptor}, {@link HubHandshake})
 * admits connections into the {@link Sessions}; each connection's calls go through a {@link HubRouter}
 * with the shared {@link Routing}: to the hub's own operations ({@link HubOperations}) or along a route of
 * the {@link RoutingTable}. {@link Authenticator} holds the keys and tokens; {@link HttpApi} is the HTTP side.
 */
public final class HubImpl implements Hub {

  private static final Logger log = LoggerFactory.getLogger(HubImpl.class);

  private final Vertx vertx;
  private final HubOptions options;
  private final HubCluster cluster;
  private final RoutingTable routes;
  private final Authenticator auth;
  private final Sessions sessions;
  private final HubMetrics metrics;
  private final Routing routing;
  private final HubAcceptor acceptor;
  private final JobService jobs;
  private volatile boolean shuttingDown;
  private TcpListeners server;
  private HttpServer http;
  private String deploymentId;

  public HubImpl(Vertx vertx, HubOptions options) {
    this.vertx = vertx;
    this.options = new HubOptions(options);
    this.cluster = this.options.getCluster() == null
        ? HubCluster.standalone(this.options.getHubId(), () -> this.options.getListen().host() + ":" + port())
        : HubCluster.clustered(vertx, this.options);
    this.routes = cluster.routes();
    this.auth = new Authenticator(vertx, this.options, this::keysChanged);
    this.sessions = new Sessions(this.options.getHubId(), routes, new CallEngineOptions().setHeartbeatMs(this.options.getHeartbeatMs())
        .setMaxInboundInFlight(this.options.getMaxInFlight()), this::router);
    Targets targets = new Targets(routes);
    this.jobs = new JobService(vertx, targets, this.options.getHubId(), this.options.getDataDir(), this.options.getJobs(),
        JobStore.DEFAULT_MAX_OUTPUT_BYTES);
    OperationRegistry local = HubOperations.registry(targets, sessions, auth, cluster, jobs);
    this.metrics = HubMeters.create(vertx, this.options, routes, local, sessions, auth, cluster);
    this.routing = new Routing(targets, local, new CallRate(this.options.getMaxCallsPerSecond()), metrics);
    this.acceptor = new HubAcceptor(vertx, this.options, auth, targets, sessions, metrics, () -> shuttingDown);
  }

  private void keysChanged(AuthorizedKeys keys) {
    sessions.keysChanged(keys);
  }

  private HubRouter router(HubConnection conn) {
    return new HubRouter(routing, conn);
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

  /** Runs on the hub verticle's context: its listeners, and so every connection, live there. */
  private Future<Hub> listen() {
    // The jobs open once the hub is a member: a hub the cluster refuses never touches them.
    io.vertx.core.Context hub = vertx.getOrCreateContext();
    return auth.start().compose(v -> cluster.start()).compose(v -> jobs.open(hub)).compose(v -> {
      // Each connection lives on the event loop of the server that accepted it.
      server = new TcpListeners(vertx, options, socket -> {
        EnvelopeTransport transport = EnvelopeTransport.create(socket, options.isTls() ? "tls" : "tcp",
            options.getMaxFrameBytes(), options.getJsonLimits());
        acceptor.accept(transport, null);
        return transport.closed();
      });
      return server.listen();
    }).compose(s -> {
      if (options.getHttp() == null) {
        return Future.succeededFuture(s);
      }
      HubHealth health = new HubHealth(vertx, () -> port() > 0, auth::keysProblem, () -> shuttingDown,
          cluster::joined);
      return new HttpApi(acceptor, routing, health, () -> shuttingDown).listen().map(h -> {
        http = h;
        return s;
      });
    }).map(s -> {
      AuthorizedKeys keys = auth.keys();
      log.info("hub {} listening on {}://{}:{} ({} event loops, {} connections each before the next opens) with {}",
          options.getHubId(), options.isTls() ? "tls" : "tcp", options.getListen().host(), s.actualPort(),
          options.getEventLoops(), options.getLoopFill(), keys == null
              ? "no authorized keys yet (not ready)" : keys.size() + " authorized keys");
      return this;
    });
  }

  @Override
  public Future<Object> call(String path, JsonObject input) {
    Targets.Target target;
    try {
      target = routing.targets().resolve(path);
    } catch (CallException e) {
      return Future.failedFuture(e);
    }
    if (target.spec().opType() == OperationType.SUBSCRIPTION) {
      return Future.failedFuture(CallException.of(ErrorCode.NOT_FOUND, "no query or mutation " + path));
    }
    RoutingTable.Route route = target.route();
    String relative = target.spec().name();
    Promise<Object> result = Promise.promise();
    route.open(CallRequest.of(new JsonObject().put("operationId", relative).put("input", input)
        .put("caller", new JsonObject().put("id", "hub").put("spoke", (String) null))), false,
        CallObserver.completing(result));
    return result.future();
  }

  @Override
  public RoutingTable routes() {
    return routes;
  }

  @Override
  public String clusterAddress() {
    return cluster.memberAddress();
  }

  @Override
  public int port() {
    return server == null ? -1 : server.port();
  }

  /** @return how many event loops take new TCP connections now (for tests) */
  int loopsServing() {
    return server == null ? 0 : server.loopsServing();
  }

  /** @return how many TCP connections the hub holds (for tests) */
  int tcpConnections() {
    return server == null ? 0 : server.connectionsOpen();
  }

  @Override
  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  /** @return the contexts the hub's connections live on, one per event loop in use (for tests) */
  java.util.Set<io.vertx.core.Context> connectionContexts() {
    return sessions.contexts();
  }

  @Override
  public int pendingCount() {
    return sessions.pendingCount();
  }

  @Override
  public Future<Void> shutdown(Duration grace) {
    // New connections are refused from now on (closing the listeners would also close the connections
    // whose calls should finish); the listeners close with everything else once the calls are done.
    shuttingDown = true;
    long deadline = System.nanoTime() + grace.toNanos();
    Promise<Void> drained = Promise.promise();
    vertx.runOnContext(v -> vertx.setPeriodic(0, 50, t -> {
      if (sessions.callsInFlight() + cluster.callsFromPeers() + jobs.runningCount() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(t);
        log.info("hub {} shutting down ({} calls were still running)", options.getHubId(), sessions.callsInFlight());
        drained.complete();
      }
    }));
    return drained.future().compose(v -> close());
  }

  @Override
  public Future<Void> close() {
    auth.close();
    shuttingDown = true;
    // bye first, then the listeners: closing a listener also closes its connections, which would race
    // with the bye (each connection closes within a second of its bye, even when its peer does not read).
    // Running jobs end failed (UNAVAILABLE) and the jobs database closes before the spokes are told bye.
    Future<Void> undeployed = jobs.close().transform(ar -> sessions.byeAll(ErrorCode.UNAVAILABLE, "the hub is shutting down"))
        .transform(ar -> cluster.leave()).transform(ar -> {
      Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
      return http == null ? stopped : stopped.compose(v -> http.close());
    });
    Future<Void> closed = deploymentId == null ? undeployed
        : undeployed.compose(v -> vertx.undeploy(deploymentId)).onComplete(ar -> deploymentId = null);
    return closed.onComplete(ar -> {
      metrics.close();
      AuditTrail.shared().flush(); // the audit lines of the last calls, before the process may exit
    });
  }
}
