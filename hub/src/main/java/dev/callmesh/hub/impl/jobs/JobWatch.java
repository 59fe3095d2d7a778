package dev.callmesh.hub.impl.jobs;

import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One watcher of a job ({@code /hub/jobs/watch}): sends {@code {"seq","output"}} for each kept output after
 * {@code from}, in order, without gaps or repeats, then ends as the job ended.
 * <p>
 * It reads what it has not sent yet from the store, a batch at a time, and follows the job's outputs live
 * once it has caught up. When its caller cannot take more ({@link OutputSink#writeQueueFull()}), it stops,
 * drops what it was told live meanwhile, and reads it from the store again when the caller drains: a slow
 * watcher costs the hub one batch of memory at most, and never holds the job back. Runs on the jobs context.
 */
final class JobWatch {

  /** The outputs read from the store at once. */
  static final int BATCH = 64;

  private final String job;
  private final OutputSink sink;
  private final Context context;
  private JobStore store;
  private RunningJob running;
  private long sent;
  private long kept;
  private JobState end;
  private JsonObject endError;
  private boolean behind = true;
  private boolean reading;
  private boolean done;

  /**
   * @param job the job's id
   * @param from the seq after which to send
   * @param sink the watch call's outputs
   * @param context the jobs context, where the watch runs
   */
  JobWatch(String job, long from, OutputSink sink, Context context) {
    this.job = job;
    this.sent = from;
    this.sink = sink;
    this.context = context;
  }

  /** Starts watching a job that is running: replays what is kept, then follows it. */
  void follow(RunningJob job, JobStore store) {
    if (!done) {
      running = job;
      kept = job.kept();
      job.watch(this);
      start(store);
    }
  }

  /** Starts watching a job that has ended: replays its kept outputs, then ends as it did. */
  void replay(JobRecord job, JobStore store) {
    if (!done) {
      kept = job.outputs();
      end = job.state();
      endError = job.error();
      start(store);
    }
  }

  private void start(JobStore store) {
    this.store = store;
    sink.drainHandler(v -> context.runOnContext(x -> pump()));
    pump();
  }

  /** An output of the running job, just stored. */
  void output(JobOutput out) {
    if (done) {
      return;
    }
    kept = out.seq();
    if (!behind && out.seq() == sent + 1 && !sink.writeQueueFull()) {
      send(out);
    } else {
      behind = true;
      pump();
    }
  }

  /** The running job ended, with {@code kept} outputs stored. */
  void ended(JobState state, JsonObject error, long kept) {
    this.kept = kept;
    this.end = state;
    this.endError = error;
    running = null;
    pump();
  }

  /** The caller went away: stops. May be called from any thread, also before the watch started. */
  void cancel() {
    if (context != null) {
      context.runOnContext(v -> stop());
    }
  }

  /** Reads and sends what has not been sent yet; once it is all sent, follows the job or ends the watch. */
  private void pump() {
    if (done || reading || store == null) {
      return;
    }
    if (sent >= kept) {
      if (end != null) {
        finish();
      } else {
        behind = false;
      }
      return;
    }
    behind = true;
    if (sink.writeQueueFull()) {
      return; // the drain handler pumps again
    }
    reading = true;
    store.outputs(job, sent, BATCH).onComplete(ar -> {
      reading = false;
      if (done) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause() instanceof CallException ce ? ce : CallException.of(ErrorCode.INTERNAL, String.valueOf(ar.cause())));
        return;
      }
      List<JobOutput> batch = ar.result();
      for (JobOutput out : batch) {
        if (sink.writeQueueFull()) {
          return; // the rest is read again when the caller drains
        }
        send(out);
      }
      if (batch.isEmpty() && sent < kept) {
        kept = sent; // outputs counted but no longer kept (the job was deleted): nothing more to send
      }
      pump();
    });
  }

  private void send(JobOutput out) {
    sent = out.seq();
    sink.emit(RawJson.of(Buffer.buffer(out.watchEvent())));
  }

  private void finish() {
    if (end == JobState.COMPLETED) {
      stop();
      sink.complete();
    } else if (end == JobState.RUNNING) {
      fail(CallException.of(ErrorCode.UNAVAILABLE, "job " + job + " is run by another hub; watch it there"));
    } else if (end == JobState.ABORTED) {
      fail(CallException.of(ErrorCode.ABORTED, endError != null && endError.getString("message") != null
          ? endError.getString("message") : "the job was aborted"));
    } else {
      fail(endError == null ? CallException.of(ErrorCode.INTERNAL, "the job failed") : CallException.fromPayload(endError));
    }
  }

  private void fail(CallException error) {
    stop();
    sink.fail(error);
  }

  private void stop() {
    if (!done) {
      done = true;
      if (running != null) {
        running.unwatch(this);
        running = null;
      }
    }
  }
}
