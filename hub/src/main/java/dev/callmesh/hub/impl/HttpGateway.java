package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What the HTTP endpoints that live outside this package (MCP at {@code /mcp}, the OpenAPI document) need of
 * the hub, and no more: to authenticate a request's {@code Authorization: Bearer} token exactly as
 * {@link HttpApi} does (a signed-timestamp token or a hub JWT, whose key may connect from the client's
 * address), to make calls through the same {@link HubRouter} as every other call (allow lists, token scopes,
 * the call rate, audit lines, metrics), and to read the spec of an operation. Safe to use from any thread.
 */
public final class HttpGateway {

  /** Who an HTTP request is, as the hub authenticated it; what it may call is checked on every call. */
  public static final class Caller {
    private final Principal principal;

    private Caller(Principal principal) {
      this.principal = principal;
    }

    /** @return the identity id */
    public String id() {
      return principal.id();
    }
  }

  private final HubAcceptor hub;
  private final Routing routing;
  private final BooleanSupplier shuttingDown;
  private AuthorizedKeys rightsOf;
  private Map<String, Integer> rights = Map.of();

  HttpGateway(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown) {
    this.hub = hub;
    this.routing = routing;
    this.shuttingDown = shuttingDown;
  }

  /** @return the hub's Vert.x */
  public Vertx vertx() {
    return hub.vertx;
  }

  /** @return the largest request body the hub reads, in bytes (its maximum frame size) */
  public int maxBodyBytes() {
    return hub.options.getMaxFrameBytes();
  }

  /** @return the hub's limits on the JSON it decodes (nesting depth, number and string lengths) */
  public JsonLimits jsonLimits() {
    return hub.options.getJsonLimits();
  }

  /** @return the hub's heartbeat interval in milliseconds, also a fit interval for keeping idle streams open */
  public long heartbeatMs() {
    return hub.options.getHeartbeatMs();
  }

  /**
   * Authenticates a request by its {@code Authorization: Bearer} token.
   *
   * @return a future of the caller, failed with a {@link CallException}: UNAUTHENTICATED (no token, or one the
   *     hub does not accept), FORBIDDEN (the key may not connect from the client's address) or UNAVAILABLE (the
   *     hub is shutting down, or has not loaded its authorized_keys yet)
   */
  public Future<Caller> identify(HttpServerRequest request) {
    if (shuttingDown.getAsBoolean()) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment"));
    }
    String token = bearer(request);
    if (token == null) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAUTHENTICATED,
          "send Authorization: Bearer TOKEN (make one with 'callmesh token' or 'callmesh token --offline')"));
    }
    String host = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
    return hub.auth.verifyToken(token).<Caller>compose(p -> p.key().mayConnectFrom(host)
            ? Future.succeededFuture(new Caller(p))
            : Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "identity " + p.id() + " may not connect from " + host)))
        .recover(err -> Future.failedFuture(err instanceof CallException ce ? ce
            : CallException.of(err instanceof AuthException ae ? ae.code() : ErrorCode.UNAUTHENTICATED, err.getMessage())));
  }

  /**
   * Makes a call as the caller, through the hub's router: the caller's rights, the call rate, the audit line
   * and the metrics are those of any call. Must run on the context of the HTTP request.
   *
   * @param caller who calls
   * @param calls makes the call from what to run when it ends (which it must run once, however it ends)
   */
  public void call(Caller caller, Function<Runnable, InboundCall> calls) {
    HubConnection conn = hub.sessions.httpCaller(caller.principal);
    InboundCall call = calls.apply(() -> hub.sessions.forget(conn));
    new HubRouter(routing, conn).handle(call);
  }

  /**
   * @param path a full operation path, e.g. {@code /dev1/fs/readFile} or {@code /services/list}
   * @return its spec, named by the full path, or {@code null} when the hub serves no such operation now (no
   *     rights are checked: list what a caller may call with {@code /services/list} through {@link #call})
   */
  public OperationSpec spec(String path) {
    OperationSpec local = routing.localOperations().spec(path);
    if (local != null) {
      return local;
    }
    int slash = path.indexOf('/', 1);
    if (!path.startsWith("/") || slash < 0) {
      return null;
    }
    String name = path.substring(1, slash);
    RoutingTable.Route route = routing.targets().routes().get(name);
    if (route == null) {
      List<RoutingTable.Route> members = routing.targets().members(name);
      route = members.isEmpty() ? null : members.get(0); // a pool: its members serve the same operations
    }
    OperationSpec spec = route == null ? null : route.info().operation(path.substring(slash));
    return spec == null ? null : spec.withName(path);
  }

  /**
   * @param listener told (on the thread that changed the routing table) when a spoke joins or leaves
   */
  public void onSpokesChanged(Runnable listener) {
    routing.targets().routes().listener((joined, info) -> listener.run());
  }

  /**
   * @return a value that changes when the spokes' operations may have changed: a spoke joined, left or registered
   *     other operations. Cheap: it looks at the identity of each route, not at its operations.
   */
  public long catalogStamp() {
    long stamp = 0;
    for (RoutingTable.Route r : routing.targets().routes().routes()) {
      stamp += System.identityHashCode(r) * 0x9E3779B97F4A7C15L; // order-free: a sum of spread hashes
    }
    return stamp;
  }

  /**
   * @param identity an identity id
   * @return a value that changes when authorized_keys is reloaded with other rights for the identity (its allow
   *     lists): what it may call, and so its catalog, may have changed
   */
  public synchronized int rightsStamp(String identity) {
    AuthorizedKeys keys = hub.auth.keys();
    if (keys != rightsOf) {
      Map<String, Integer> stamps = new HashMap<>();
      if (keys != null) {
        for (AuthorizedKey k : keys.keys()) {
          stamps.merge(k.id(), k.allowPatterns().hashCode(), (a, b) -> 31 * a + b);
        }
      }
      rightsOf = keys;
      rights = stamps;
    }
    return rights.getOrDefault(identity, 0);
  }

  /**
   * @param code an error code, standard or an operation's own
   * @return the HTTP status the API answers it with
   */
  public static int status(String code) {
    return HttpStatus.of(new CallException(code, code, false, null));
  }

  /**
   * Answers a request with the hub's JSON error body and the status of its code, as the rest of the HTTP API
   * does (401 with {@code WWW-Authenticate: Bearer}); does nothing when the response has begun.
   */
  public static void error(RoutingContext ctx, CallException e) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    if (e.is(ErrorCode.UNAUTHENTICATED)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"callmesh\"");
    }
    ctx.response().setStatusCode(HttpStatus.of(e)).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", e.toPayload()).encode());
  }

  private static String bearer(HttpServerRequest request) {
    String h = request.getHeader("Authorization");
    if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return h.substring(7).trim();
  }
}
