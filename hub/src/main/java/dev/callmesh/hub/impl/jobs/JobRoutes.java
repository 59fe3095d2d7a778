package dev.callmesh.hub.impl.jobs;

import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/**
 * The jobs' HTTP endpoints, each a call of a {@code /hub/jobs/*} operation made through the hub's router as
 * the request's identity (so its token, allow list and rate limit apply as to any HTTP call):
 * <pre>
 * POST   /v1/jobs/{operation path}[?timeoutMs=N]  body: the input  202 {"job"}, Location: /v1/jobs/{id}
 * GET    /v1/jobs[?state=S&amp;limit=N]                          200 {"jobs":[..]}
 * GET    /v1/jobs/{id}                                        200 the job with its outputs
 * GET    /v1/jobs/{id}/events[?from=N]  (or Last-Event-ID: N)  text/event-stream of its outputs after N
 * DELETE /v1/jobs/{id}                                        200 {"job","state"}
 * </pre>
 * Answers are the operation's output itself (not wrapped in {@code {"output":..}}); errors are
 * {@code {"error":{..}}} with the status of their code, as on every other endpoint.
 */
public final class JobRoutes {

  /** How the routes reach the hub. */
  public interface Gateway {
    /**
     * @return the request body as a JSON object ({} when empty), or {@code null} once it has been answered
     *     400 for not being one
     */
    JsonObject body(RoutingContext ctx);

    /**
     * Authenticates the request's bearer token and routes the call, as that identity, through the hub's
     * router; a request refused before the call (no token, a bad one, a hub shutting down) is answered here.
     *
     * @param payload the {@code call.requested} payload: {@code operationId} and {@code input}
     * @param calls makes the call that answers the request, from its id and what to run once it has ended
     */
    void route(RoutingContext ctx, JsonObject payload, BiFunction<String, Runnable, InboundCall> calls);
  }

  private JobRoutes() {
  }

  /**
   * Adds the routes; call it after the body handler of {@code POST /v1/*} and before the {@code /v1} fallbacks.
   *
   * @param router the hub's router
   * @param hub how to reach the hub
   */
  public static void mount(Router router, Gateway hub) {
    router.post("/v1/jobs/*").handler(ctx -> {
      JsonObject body = hub.body(ctx);
      if (body == null) {
        return;
      }
      JsonObject input = new JsonObject().put("operationId", "/" + ctx.pathParam("*")).put("input", body);
      Object timeout = number(ctx.request().getParam("timeoutMs"));
      if (timeout != null) {
        input.put("timeoutMs", timeout);
      }
      route(hub, ctx, "start", input, JobHttpCall.Answer.CREATED);
    });
    router.get("/v1/jobs").handler(ctx -> {
      JsonObject input = new JsonObject();
      if (ctx.request().getParam("state") != null) {
        input.put("state", ctx.request().getParam("state"));
      }
      Object limit = number(ctx.request().getParam("limit"));
      if (limit != null) {
        input.put("limit", limit);
      }
      route(hub, ctx, "list", input, JobHttpCall.Answer.JSON);
    });
    router.get("/v1/jobs/:job").handler(ctx -> route(hub, ctx, "get", job(ctx), JobHttpCall.Answer.JSON));
    router.delete("/v1/jobs/:job").handler(ctx -> route(hub, ctx, "abort", job(ctx), JobHttpCall.Answer.JSON));
    router.get("/v1/jobs/:job/events").handler(ctx -> {
      JsonObject input = job(ctx);
      String last = ctx.request().getHeader("Last-Event-ID");
      Object from = number(last != null && !last.isBlank() ? last.trim() : ctx.request().getParam("from"));
      if (from != null) {
        input.put("from", from);
      }
      route(hub, ctx, "watch", input, JobHttpCall.Answer.EVENTS);
    });
  }

  /** Calls the job operation {@code /hub/jobs/NAME} with the input, answering as {@code answer} says. */
  private static void route(Gateway hub, RoutingContext ctx, String name, JsonObject input, JobHttpCall.Answer answer) {
    JsonObject payload = new JsonObject().put("operationId", JobOperations.PREFIX + name).put("input", input);
    hub.route(ctx, payload, (id, onEnd) -> new JobHttpCall(ctx, id, payload, answer, onEnd));
  }

  private static JsonObject job(RoutingContext ctx) {
    return new JsonObject().put("job", ctx.pathParam("job"));
  }

  /** @return the parameter as a number when it is digits, else as it is (the operation's schema refuses it), or null */
  private static Object number(String value) {
    if (value == null) {
      return null;
    }
    return value.matches("\\d{1,15}") ? (Object) Long.parseLong(value) : value;
  }
}
