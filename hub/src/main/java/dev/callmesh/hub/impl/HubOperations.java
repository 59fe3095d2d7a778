package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.hub.impl.jobs.JobCaller;
import dev.callmesh.hub.impl.jobs.JobOperations;
import dev.callmesh.hub.impl.jobs.JobPeers;
import dev.callmesh.hub.impl.jobs.JobService;
import dev.callmesh.protocol.auth.AuthException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The operations the hub serves itself: discovery ({@code /services/*}) and the {@code /hub/*} operations.
 * Each runs on the context of the connection that called it.
 */
final class HubOperations {

  private final RoutingTable routes;
  private final Targets targets;
  private final Sessions sessions;
  private final Authenticator auth;
  private final HubCluster cluster;
  private OperationRegistry registry;

  private HubOperations(Targets targets, Sessions sessions, Authenticator auth, HubCluster cluster) {
    this.targets = targets;
    this.routes = targets.routes();
    this.sessions = sessions;
    this.auth = auth;
    this.cluster = cluster;
  }

  /**
   * @param targets the spokes and pools, for discovery
   * @param sessions the callers, found by the session id the router puts in {@code payload.caller}
   * @param auth the issuer of tokens
   * @param cluster the hubs of the cluster
   * @param jobs the jobs, for {@code /hub/jobs/*}
   * @return a registry with the hub's own operations
   */
  static OperationRegistry registry(Targets targets, Sessions sessions, Authenticator auth, HubCluster cluster,
                                    JobService jobs) {
    HubOperations ops = new HubOperations(targets, sessions, auth, cluster);
    ops.registry = OperationRegistry.create()
        .register(StandardSpecs.get("/services/list"), ops::list)
        .register(StandardSpecs.get("/services/schema"), ops::schema)
        .register(StandardSpecs.get(HubRouter.REGISTER), ops::register)
        .register(StandardSpecs.get("/hub/spokes/list"), ops::spokes)
        .register(StandardSpecs.get(HubRouter.TOKEN), ops::token)
        .register(StandardSpecs.get("/hub/cluster/members"), (ctx, in) -> cluster.members()
            .map(m -> new JsonObject().put("members", m)))
        .registerSubscription(StandardSpecs.get("/hub/spokes/watch"), ops::watch)
        .registerSubscription(StandardSpecs.get(Fanout.PATH), new Fanout(targets, sessions)::handle);
    JobOperations.register(ops.registry, jobs, ctx -> {
      Principal p = ops.caller(ctx).principal;
      return new JobCaller(p.id(), p::mayCall, p.rights());
    }, cluster instanceof SingleHub ? null : new JobPeers(cluster));
    cluster.servePeers(JobOperations.forPeers(jobs));
    return ops.registry;
  }

  private HubConnection caller(OperationContext ctx) {
    HubConnection conn = ctx.caller() == null ? null : sessions.get(ctx.caller().getString("session"));
    if (conn == null) {
      throw CallException.of(ErrorCode.UNAVAILABLE, "the calling connection has closed");
    }
    return conn;
  }

  /** Every operation the caller may call: the hub's own, each spoke's and each pool's, by full path. */
  private List<JsonObject> visible(HubConnection conn) {
    List<JsonObject> out = new ArrayList<>();
    for (OperationSpec s : registry.specs()) {
      if (HubRouter.permits(conn, s.name())) {
        out.add(summary(s, s.name(), null));
      }
    }
    for (RoutingTable.Route r : routes.routes()) {
      SpokeInfo info = r.info();
      for (OperationSpec s : info.operations()) {
        String full = "/" + info.name() + s.name();
        if (conn.mayCall(full)) {
          out.add(summary(s, full, info.name()));
        }
      }
    }
    for (String pool : targets.pools()) {
      RoutingTable.Route member = targets.route(pool);
      if (member == null || member.info().name().equals(pool)) {
        continue;
      }
      for (OperationSpec s : member.info().operations()) {
        String full = "/" + pool + s.name();
        if (conn.mayCall(full)) {
          out.add(summary(s, full, pool).put("pool", true));
        }
      }
    }
    out.sort(Comparator.comparing(o -> o.getString("name")));
    return out;
  }

  private static JsonObject summary(OperationSpec s, String name, String spoke) {
    return new JsonObject().put("name", name).put("namespace", s.namespace()).put("opType", s.opType().wire())
        .put("spoke", spoke).put("description", s.description());
  }

  private Future<Object> list(OperationContext ctx, JsonObject input) {
    String spoke = input.getString("spoke");
    String prefix = input.getString("prefix");
    JsonArray ops = new JsonArray();
    for (JsonObject o : visible(caller(ctx))) {
      boolean spokeOk = spoke == null || spoke.equals(o.getString("spoke"));
      boolean prefixOk = prefix == null || o.getString("name").startsWith(prefix);
      if (spokeOk && prefixOk) {
        ops.add(o);
      }
    }
    return Future.succeededFuture(new JsonObject().put("operations", ops));
  }

  private Future<Object> schema(OperationContext ctx, JsonObject input) {
    String name = input.getString("name");
    HubConnection conn = caller(ctx);
    OperationSpec local = registry.spec(name);
    if (local != null && HubRouter.permits(conn, name)) {
      return Future.succeededFuture(local.toJson());
    }
    OperationSpec spec = null;
    if (conn.mayCall(name) && HubRouter.isOperationPath(name)) {
      try {
        spec = targets.resolve(name).spec();
      } catch (CallException e) {
        spec = null;
      }
    }
    if (spec == null) {
      return Future.failedFuture(CallException.of(ErrorCode.NOT_FOUND, "no operation " + name
          + " that you may call; /services/list shows those that exist"));
    }
    return Future.succeededFuture(spec.withName(name).toJson());
  }

  private Future<Object> register(OperationContext ctx, JsonObject input) {
    HubConnection conn = caller(ctx);
    if (conn.spokeName == null || conn.route == null) {
      return Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN,
          "only spokes may register operations; connect with a spoke name"));
    }
    List<OperationSpec> specs;
    try {
      specs = HelloCheck.operations(input.getValue("operations"));
    } catch (AuthException e) {
      return Future.failedFuture(CallException.of(ErrorCode.INVALID_INPUT, e.getMessage()));
    }
    sessions.replaceOperations(conn, specs);
    return Future.succeededFuture(new JsonObject().put("registered", specs.size()));
  }

  private Future<Object> token(OperationContext ctx, JsonObject input) {
    Principal principal = caller(ctx).principal;
    if (!principal.mayIssueTokens()) {
      return Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "a hub JWT cannot obtain another one; sign in "
          + "with your key (or a signed-timestamp token from 'callmesh token --offline') to get a new JWT"));
    }
    long ttl = input.getLong("ttlSeconds", JwtIssuer.DEFAULT_TTL_SECONDS);
    JsonArray allow = input.getJsonArray("allow");
    return Future.succeededFuture(auth.jwt().issue(principal.key(), ttl, allow == null ? null : scope(allow)));
  }

  private static List<String> scope(JsonArray allow) {
    JwtIssuer.checkScope(allow.getList());
    return allow.stream().map(String.class::cast).toList();
  }

  /** Streams joined/left events until the caller aborts. */
  private void watch(OperationContext ctx, JsonObject input, OutputSink sink) {
    java.util.function.BiConsumer<Boolean, SpokeInfo> listener = (joined, info) -> sink.emit(new JsonObject()
        .put("event", joined ? "joined" : "left")
        .put("spoke", info.name())
        .put("at", java.time.Instant.now().toString())
        .put("hub", info.hub()));
    routes.listener(listener);
    ctx.onAbort(reason -> routes.removeListener(listener));
  }

  private Future<Object> spokes(OperationContext ctx, JsonObject input) {
    JsonArray spokes = new JsonArray();
    List<RoutingTable.Route> sorted = new ArrayList<>(routes.routes());
    sorted.sort(Comparator.comparing(r -> r.info().name()));
    for (RoutingTable.Route r : sorted) {
      SpokeInfo info = r.info();
      spokes.add(new JsonObject()
          .put("name", info.name())
          .put("identity", info.identity())
          .put("connectedAt", info.connectedAt().toString())
          .put("remoteAddress", info.remoteAddress())
          .put("transport", info.transport())
          .put("operations", info.operations().size())
          .put("inFlight", r.inFlight())
          .put("hub", info.hub())
          .put("labels", new JsonObject(new java.util.TreeMap<String, Object>(info.labels())))
          .put("pool", info.pool()));
    }
    return Future.succeededFuture(new JsonObject().put("spokes", spokes));
  }
}
