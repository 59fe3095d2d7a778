package dev.callmesh.hub.impl.jobs;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.operations.StandardSpecs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The hub's job operations, {@code /hub/jobs/start}, {@code get}, {@code watch}, {@code list} and {@code abort}
 * (docs/PROTOCOL.md, "Jobs"), served by a {@link JobService} for whoever calls them. Their input has been
 * checked against their specs by the registry.
 */
public final class JobOperations {

  /** The path prefix of the job operations. */
  public static final String PREFIX = "/hub/jobs/";

  private final JobService jobs;
  private final Function<OperationContext, JobCaller> callers;
  private final JobPeers peers;

  private JobOperations(JobService jobs, Function<OperationContext, JobCaller> callers, JobPeers peers) {
    this.jobs = jobs;
    this.callers = callers;
    this.peers = peers;
  }

  /**
   * Adds the job operations to a registry.
   *
   * @param registry the hub's own operations
   * @param jobs the jobs
   * @param callers who calls, from the call's context (throwing a {@link dev.callmesh.protocol.CallException}
   *     when the caller has gone)
   * @param peers the other hubs, asked for a job this hub does not hold
   * @return the registry
   */
  public static OperationRegistry register(OperationRegistry registry, JobService jobs,
                                           Function<OperationContext, JobCaller> callers, JobPeers peers) {
    JobOperations ops = new JobOperations(jobs, callers, peers);
    return registry
        .register(StandardSpecs.get(PREFIX + "start"), ops::start)
        .register(StandardSpecs.get(PREFIX + "get"), ops::get)
        .register(StandardSpecs.get(PREFIX + "list"), ops::list)
        .register(StandardSpecs.get(PREFIX + "abort"), ops::abort)
        .registerSubscription(StandardSpecs.get(PREFIX + "watch"), ops::watch);
  }

  /**
   * The job operations other hubs call on this one for the jobs it holds: get, list, abort and watch, for the
   * identity the asking hub stamped in {@code caller}. The owner check is made here; the asking hub checks the
   * caller's rights to the job's operation (see {@link JobPeers}).
   *
   * @return a handler of those calls
   */
  public static OperationRegistry forPeers(JobService jobs) {
    Function<OperationContext, JobCaller> asked = ctx -> new JobCaller(ctx.caller().getString("id"), op -> true,
        "checked by the hub it was asked on");
    JobOperations ops = new JobOperations(jobs, asked, null);
    return OperationRegistry.create()
        .register(StandardSpecs.get(PREFIX + "get"), ops::get)
        .register(StandardSpecs.get(PREFIX + "list"), ops::list)
        .register(StandardSpecs.get(PREFIX + "abort"), ops::abort)
        .registerSubscription(StandardSpecs.get(PREFIX + "watch"), ops::watch);
  }

  private Future<Object> start(OperationContext ctx, JsonObject input) {
    Number timeout = input.getValue("timeoutMs") instanceof Number n ? n : null;
    return jobs.start(callers.apply(ctx), input.getString("operationId"), input.getJsonObject("input"),
        timeout == null ? null : timeout.longValue()).map(id -> new JsonObject().put("job", id));
  }

  private Future<Object> get(OperationContext ctx, JsonObject input) {
    JobCaller caller = callers.apply(ctx);
    String job = input.getString("job");
    Future<Object> here = jobs.get(caller, job).map(o -> o);
    return peers == null ? here : here.recover(e -> JobPeers.notHere(e) ? peers.get(caller, job) : Future.failedFuture(e));
  }

  private Future<Object> list(OperationContext ctx, JsonObject input) {
    JobCaller caller = callers.apply(ctx);
    Integer limit = input.getInteger("limit");
    Future<JsonObject> here = jobs.list(caller, input.getString("state"), limit);
    return peers == null ? here.map(o -> o)
        : here.compose(mine -> peers.list(caller, input, mine, limit == null ? JobService.DEFAULT_LIST_LIMIT : limit));
  }

  private Future<Object> abort(OperationContext ctx, JsonObject input) {
    JobCaller caller = callers.apply(ctx);
    String job = input.getString("job");
    Future<Object> here = jobs.abort(caller, job).map(o -> o);
    return peers == null ? here : here.recover(e -> JobPeers.notHere(e) ? peers.abort(caller, job) : Future.failedFuture(e));
  }

  private void watch(OperationContext ctx, JsonObject input, OutputSink sink) {
    JobCaller caller = callers.apply(ctx);
    String job = input.getString("job");
    long from = input.getLong("from", 0L);
    if (peers == null) {
      JobWatch watch = jobs.watch(caller, job, from, sink);
      ctx.onAbort(reason -> watch.cancel());
      return;
    }
    // Held here, or by another hub: a lookup first tells which
    jobs.get(caller, job).onComplete(ar -> {
      if (ar.succeeded()) {
        JobWatch watch = jobs.watch(caller, job, from, sink);
        ctx.onAbort(reason -> watch.cancel());
      } else if (JobPeers.notHere(ar.cause())) {
        peers.watch(caller, job, from, sink, ctx);
      } else {
        sink.fail(ar.cause());
      }
    });
  }
}
