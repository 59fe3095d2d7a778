package dev.callmesh.hub.impl.jobs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job whose call is in flight: the call's observer. Each output is numbered (seq from 1) and kept in the
 * store in order, then told to the job's watchers; the call's end is recorded after its outputs, then told
 * to them. For a subscription, the call asks for a window of {@value #WINDOW} outputs and credits one each
 * time an output has been stored: a spoke that sends faster than the database writes is held back, and the
 * hub never queues more than the window for a job.
 * <p>
 * The observer's methods hop onto the jobs context; everything else runs there.
 */
final class RunningJob implements CallObserver {

  private static final Logger log = LoggerFactory.getLogger(RunningJob.class);

  /** The outputs a job's subscription may have unstored at once. */
  static final int WINDOW = 64;

  private final JobRecord record;
  private final Context context;
  private final JobStore store;
  private final boolean stream;
  private final Runnable onEnd;
  private final List<JobWatch> watchers = new ArrayList<>(1);
  private final Promise<JobState> ended = Promise.promise();
  private OutboundCall call;
  private long received;
  private long kept;
  private boolean truncated;
  private boolean done;

  /**
   * @param record the job as recorded when it started
   * @param context the jobs context
   * @param store where outputs and the end go
   * @param stream whether the call is a subscription
   * @param onEnd told once, on the jobs context, when the job ends (before its end is stored)
   */
  RunningJob(JobRecord record, Context context, JobStore store, boolean stream, Runnable onEnd) {
    this.record = record;
    this.context = context;
    this.store = store;
    this.stream = stream;
    this.onEnd = onEnd;
  }

  /** @param call the job's call, once opened */
  void call(OutboundCall call) {
    this.call = call;
  }

  /** @return the job as recorded when it started */
  JobRecord record() {
    return record;
  }

  /** @return whether the job has ended (its end may not be stored yet) */
  boolean isDone() {
    return done;
  }

  /** @return the seq of the last output stored (outputs 1 to this one are kept) */
  long kept() {
    return kept;
  }

  /** @return a future of the state the job ended in, completed once that is stored */
  Future<JobState> ended() {
    return ended.future();
  }

  /** @param watch told of each output stored from now on, and of the end */
  void watch(JobWatch watch) {
    watchers.add(watch);
  }

  /** @param watch no longer told */
  void unwatch(JobWatch watch) {
    watchers.remove(watch);
  }

  @Override
  public void onRespondedRaw(RawJson output) {
    String json = output == null ? "null" : output.bytes().toString(StandardCharsets.UTF_8);
    context.runOnContext(v -> output(json));
  }

  @Override
  public void onResponded(Object output) {
    String json = RawJson.encode(output).bytes().toString(StandardCharsets.UTF_8);
    context.runOnContext(v -> output(json));
  }

  @Override
  public void onCompleted() {
    context.runOnContext(v -> finish(JobState.COMPLETED, null));
  }

  @Override
  public void onError(CallException error) {
    // An abort by the job's owner has ended the job already; any other error fails it.
    context.runOnContext(v -> finish(JobState.FAILED, error.toPayload()));
  }

  private void output(String json) {
    if (done) {
      return;
    }
    long seq = ++received;
    if (truncated) {
      credit();
      if (!stream) {
        finish(JobState.COMPLETED, null);
      }
      return;
    }
    store.append(record.id(), seq, json).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        kept = seq;
        JobOutput out = new JobOutput(seq, json);
        for (JobWatch w : List.copyOf(watchers)) {
          w.output(out);
        }
      } else {
        truncated = true; // past the output limit (or not stored at all): later outputs are dropped too
      }
      credit();
    });
    if (!stream) {
      finish(JobState.COMPLETED, null); // a query or mutation ends with its output
    }
  }

  private void credit() {
    if (stream && !done && call != null) {
      call.credit(1);
    }
  }

  /**
   * Aborts the job's call (the spoke's handler is cancelled, a running process killed) and ends the job
   * {@code aborted}, unless it has ended already.
   *
   * @param reason why, for a person
   * @return a future of the state the job ended in
   */
  Future<JobState> abort(String reason) {
    return stop(reason, JobState.ABORTED, CallException.of(ErrorCode.ABORTED, reason).toPayload());
  }

  /**
   * Aborts the job's call and ends the job {@code failed} with the error, unless it has ended already:
   * what the hub does to its running jobs when it stops.
   *
   * @return a future of the state the job ended in
   */
  Future<JobState> fail(String reason, JsonObject error) {
    return stop(reason, JobState.FAILED, error);
  }

  private Future<JobState> stop(String reason, JobState state, JsonObject error) {
    if (!done) {
      if (call != null) {
        call.abort(reason);
      }
      finish(state, error);
    }
    return ended.future();
  }

  /**
   * Ends the job, unless it has ended already: stores the end (after every output asked for before),
   * then tells the watchers.
   *
   * @param state how it ended
   * @param error the error it ended with, or {@code null}
   */
  void finish(JobState state, JsonObject error) {
    if (done) {
      return;
    }
    done = true;
    onEnd.run();
    log.info("job {} of {} {} ({}): {}", record.id(), record.identity(), state.wire(), record.operationId(),
        error == null ? "ok" : error.getString("code"));
    store.end(record.id(), state, System.currentTimeMillis(), error).onComplete(ar -> {
      for (JobWatch w : List.copyOf(watchers)) {
        w.ended(state, error, kept);
      }
      watchers.clear();
      ended.complete(state);
    });
  }
}
