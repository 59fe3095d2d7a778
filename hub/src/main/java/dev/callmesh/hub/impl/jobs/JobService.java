package dev.callmesh.hub.impl.jobs;

import dev.callmesh.hub.JobOptions;
import dev.callmesh.hub.impl.Targets;
import dev.callmesh.operations.OperationType;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's jobs: starts a spoke (or pool) operation as a call of the hub's own, detached from whoever
 * asked, keeps its outputs and outcome in the {@link JobStore}, and answers its owner's questions about it
 * from any connection. An identity sees, watches and aborts only its own jobs (and, with a scoped token,
 * only those of operations the token may call); to anyone else a job does not exist. At most
 * {@link JobOptions#getMaxRunningPerIdentity()} jobs of one identity run at once; ended jobs are deleted
 * after {@link JobOptions#getRetentionMs()}. Methods may be called from any context; the service's state
 * lives on the context given to {@link #open}.
 */
public final class JobService {

  /** A job's call deadline when its start gives none: one hour. */
  public static final long DEFAULT_TIMEOUT_MS = 3_600_000L;
  /** How many jobs {@code /hub/jobs/list} answers when it is not told: 50. */
  public static final int DEFAULT_LIST_LIMIT = 50;
  /** How often ended jobs past their retention are deleted, besides at start: hourly. */
  static final long PURGE_PERIOD_MS = 3_600_000L;

  private static final Logger log = LoggerFactory.getLogger(JobService.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Targets targets;
  private final String hubId;
  private final Path dataDir;
  private final JobOptions options;
  private final long maxOutputBytes;
  private volatile Context context;
  private final Map<String, RunningJob> running = new HashMap<>();
  private final Map<String, Integer> runningPerIdentity = new HashMap<>();
  private volatile int runningCount;
  private JobStore store;
  private long purgeTimer = -1;

  /**
   * @param vertx the hub's Vert.x
   * @param targets where jobs' operations lead
   * @param hubId this hub's id, recorded with each job
   * @param dataDir the hub's data directory, or {@code null} to keep jobs in memory only
   * @param options retention and bounds
   * @param maxOutputBytes how much output JSON text each job keeps ({@link JobStore#DEFAULT_MAX_OUTPUT_BYTES})
   */
  public JobService(Vertx vertx, Targets targets, String hubId, Path dataDir, JobOptions options, long maxOutputBytes) {
    this.vertx = vertx;
    this.targets = targets;
    this.hubId = hubId;
    this.dataDir = dataDir;
    this.options = new JobOptions(options);
    this.maxOutputBytes = maxOutputBytes;
  }

  /**
   * Opens the store, deletes the jobs past their retention, and deletes them again every hour.
   *
   * @param context where the jobs' state will live: the hub's context, where its connections live
   * @return a future completed once jobs can be started, or failed (an {@link java.io.IOException} naming the
   *     file) when the store cannot be used: the hub must not start then
   */
  public Future<Void> open(Context context) {
    this.context = context;
    return on(() -> JobStore.open(vertx, dataDir, maxOutputBytes).compose(s -> {
      store = s;
      purgeTimer = vertx.setPeriodic(PURGE_PERIOD_MS, t -> purge());
      return purge().<Void>mapEmpty();
    }));
  }

  private Future<Integer> purge() {
    return store.purge(System.currentTimeMillis() - options.getRetentionMs()).onSuccess(n -> {
      if (n > 0) {
        log.info("deleted {} jobs that ended more than {} ms ago", n, options.getRetentionMs());
      }
    });
  }

  /** @return how many jobs are running on this hub now; safe from any thread */
  public int runningCount() {
    return runningCount;
  }

  /** Runs the work on the jobs context; @return its future */
  private <T> Future<T> on(Supplier<Future<T>> work) {
    if (context == null) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the hub's jobs are not open yet"));
    }
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return result.future();
  }

  private JobStore store() {
    if (store == null) {
      throw CallException.of(ErrorCode.UNAVAILABLE, "the hub's jobs are not available now (it is starting or stopping); "
          + "try again in a moment");
    }
    return store;
  }

  /**
   * Starts a job: resolves the operation now (NOT_FOUND or UNAVAILABLE as a direct call would fail), records
   * the job, and opens its call.
   *
   * @param caller who starts it, its owner; it must be allowed to call the operation (else FORBIDDEN)
   * @param operationId a spoke or pool operation's full path ({@code /hub/*} and {@code /services/*}:
   *     INVALID_INPUT)
   * @param input the call's input, or {@code null} for {}
   * @param timeoutMs the call's deadline, or {@code null} for {@link #DEFAULT_TIMEOUT_MS}
   * @return a future of the job id
   */
  public Future<String> start(JobCaller caller, String operationId, JsonObject input, Long timeoutMs) {
    return on(() -> {
      JobStore db = store();
      if (operationId.startsWith("/hub/") || operationId.startsWith("/services/")) {
        throw CallException.of(ErrorCode.INVALID_INPUT, "a job runs a spoke or pool operation; " + operationId
            + " is one of the hub's own, which answer at once: call it directly");
      }
      if (!caller.mayCall().test(operationId)) {
        throw CallException.of(ErrorCode.FORBIDDEN, "identity " + caller.identity() + " may not call " + operationId
            + "; " + caller.rights());
      }
      Targets.Target target = targets.resolve(operationId);
      int mine = runningPerIdentity.getOrDefault(caller.identity(), 0);
      if (mine >= options.getMaxRunningPerIdentity()) {
        throw CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "identity " + caller.identity() + " has "
            + mine + " jobs running, its limit; wait for one to end (or abort one) and start again");
      }
      String id = newId();
      JobRecord record = JobRecord.started(id, caller.identity(), operationId, System.currentTimeMillis(), hubId);
      boolean stream = target.spec().opType() == OperationType.SUBSCRIPTION;
      RunningJob job = new RunningJob(record, context, db, stream, () -> forget(record));
      running.put(id, job);
      runningPerIdentity.merge(caller.identity(), 1, Integer::sum);
      runningCount = running.size();
      JsonObject payload = new JsonObject()
          .put("operationId", target.spec().name())
          .put("input", input == null ? new JsonObject() : input)
          .put("caller", new JsonObject().put("id", caller.identity()).put("spoke", (String) null))
          .put("timeoutMs", timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs);
      if (stream) {
        payload.put("window", RunningJob.WINDOW);
      }
      TraceParent.putHeader(payload, TraceParent.newRoot().toString());
      return db.insert(record).map(v -> {
        if (!job.isDone()) { // the hub may have begun to stop meanwhile
          job.call(target.route().open(CallRequest.of(payload), stream, job));
        }
        log.info("job {} of {} started: {}", id, caller.identity(), operationId);
        return id;
      }).onFailure(err -> forget(record));
    });
  }

  /** A job is no longer running (it ended, or could not be recorded). */
  private void forget(JobRecord record) {
    if (running.remove(record.id()) != null) {
      runningPerIdentity.computeIfPresent(record.identity(), (k, n) -> n <= 1 ? null : n - 1);
      runningCount = running.size();
    }
  }

  /**
   * @return a new job id: 24 base64url characters of 144 random bits, the first a letter or digit, so that an id
   *     on a command line never reads as an option (drawn again, one time in 16, when it starts with - or _)
   */
  static String newId() {
    byte[] bytes = new byte[18];
    String id;
    do {
      RANDOM.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.charAt(0) == '-' || id.charAt(0) == '_');
    return id;
  }

  static CallException notFound(String job) {
    return CallException.of(ErrorCode.NOT_FOUND, "no job " + (job.length() > 64 ? job.substring(0, 64) + "..." : job)
        + " of yours; /hub/jobs/list shows your jobs (ended ones are kept for a while, then deleted)");
  }

  /**
   * @return a future of the job with its kept outputs, as {@code /hub/jobs/get} answers it; NOT_FOUND unless
   *     the caller owns it
   */
  public Future<RawJson> get(JobCaller caller, String job) {
    return on(() -> store().detail(job).map(d -> {
      if (d == null || !caller.owns(d.job())) {
        throw notFound(job);
      }
      return d.toJson();
    }));
  }

  /**
   * @param state only jobs in this state ({@code running}, ...), or {@code null} for all
   * @param limit at most this many, or {@code null} for {@link #DEFAULT_LIST_LIMIT}
   * @return a future of {@code {"jobs":[..]}}, the caller's jobs newest first
   */
  public Future<JsonObject> list(JobCaller caller, String state, Integer limit) {
    JobState wanted = state == null ? null : JobState.fromWire(state);
    if (state != null && wanted == null) {
      return Future.failedFuture(CallException.of(ErrorCode.INVALID_INPUT, "state is one of running, completed, failed, aborted"));
    }
    int n = limit == null ? DEFAULT_LIST_LIMIT : limit;
    return on(() -> store().list(caller.identity(), wanted, n).map(jobs -> {
      JsonArray out = new JsonArray();
      jobs.stream().filter(caller::owns).forEach(j -> out.add(j.summary()));
      return new JsonObject().put("jobs", out);
    }));
  }

  /**
   * Aborts a running job: its call is aborted (a process it runs is killed) and it ends {@code aborted}. A job
   * that has ended stays as it is.
   *
   * @return a future of {@code {"job","state"}} with the job's state after; NOT_FOUND unless the caller owns it
   */
  public Future<JsonObject> abort(JobCaller caller, String job) {
    return on(() -> {
      RunningJob r = running.get(job);
      Future<JobState> state;
      if (r != null && caller.owns(r.record())) {
        state = r.abort("aborted by its owner, " + caller.identity());
      } else {
        state = store().get(job).map(rec -> {
          if (!caller.owns(rec)) {
            throw notFound(job);
          }
          return rec.state();
        });
      }
      return state.map(s -> new JsonObject().put("job", job).put("state", s.wire()));
    });
  }

  /**
   * Sends the job's kept outputs after {@code from}, then follows it until it ends; the watch then completes
   * (or fails with the job's error). A watch of a job the caller does not own fails NOT_FOUND.
   *
   * @return the watch, to {@link JobWatch#cancel()} when its caller goes away
   */
  JobWatch watch(JobCaller caller, String job, long from, OutputSink sink) {
    JobWatch w = new JobWatch(job, from, sink, context);
    on(() -> {
      RunningJob r = running.get(job);
      if (r != null) {
        if (!caller.owns(r.record())) {
          throw notFound(job);
        }
        w.follow(r, store());
        return Future.succeededFuture();
      }
      JobStore db = store();
      return db.get(job).map(rec -> {
        if (!caller.owns(rec)) {
          throw notFound(job);
        }
        RunningJob now = running.get(job); // started since the read was asked for
        if (now != null) {
          w.follow(now, db);
        } else {
          w.replay(rec, db);
        }
        return null;
      });
    }).onFailure(sink::fail);
    return w;
  }

  /**
   * Ends every running job {@code failed} with UNAVAILABLE (their calls aborted), then closes the store.
   *
   * @return a future completed once the store is closed
   */
  public Future<Void> close() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      if (purgeTimer >= 0) {
        vertx.cancelTimer(purgeTimer);
      }
      for (RunningJob r : List.copyOf(running.values())) {
        r.fail("the hub is shutting down", JobStore.HUB_STOPPED);
      }
      JobStore s = store;
      store = null;
      (s == null ? Future.<Void>succeededFuture() : s.close()).onComplete(closed);
    });
    return closed.future();
  }
}
