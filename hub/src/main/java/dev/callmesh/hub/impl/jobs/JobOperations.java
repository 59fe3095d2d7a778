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

  private JobOperations(JobService jobs, Function<OperationContext, JobCaller> callers) {
    this.jobs = jobs;
    this.callers = callers;
  }

  /**
   * Adds the job operations to a registry.
   *
   * @param registry the hub's own operations
   * @param jobs the jobs
   * @param callers who calls, from the call's context (throwing a {@link dev.callmesh.protocol.CallException}
   *     when the caller has gone)
   * @return the registry
   */
  public static OperationRegistry register(OperationRegistry registry, JobService jobs,
                                           Function<OperationContext, JobCaller> callers) {
    JobOperations ops = new JobOperations(jobs, callers);
    return registry
        .register(StandardSpecs.get(PREFIX + "start"), ops::start)
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
    return jobs.get(callers.apply(ctx), input.getString("job")).map(o -> o);
  }

  private Future<Object> list(OperationContext ctx, JsonObject input) {
    return jobs.list(callers.apply(ctx), input.getString("state"), input.getInteger("limit")).map(o -> o);
  }

  private Future<Object> abort(OperationContext ctx, JsonObject input) {
    return jobs.abort(callers.apply(ctx), input.getString("job")).map(o -> o);
  }

  private void watch(OperationContext ctx, JsonObject input, OutputSink sink) {
    JobWatch watch = jobs.watch(callers.apply(ctx), input.getString("job"), input.getLong("from", 0L), sink);
    ctx.onAbort(reason -> watch.cancel());
  }
}
