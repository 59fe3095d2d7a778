package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.fs.RootedPaths;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of a bash operation, from start to its single outcome: the command's exit, its timeout, the
 * caller's abort, or a failure to start. Whichever comes first owns the outcome; abort and timeout kill
 * the whole process tree.
 * <p>
 * Threads: the command is started on the blocking pool of {@link SpokeWorkers}; each of its two pipes is
 * read to its end on a stream thread ({@code callmesh-bash-<request id>-stdout|stderr}); the pump that
 * ends last waits for the process to exit and reports it, on its own thread. The timeout is a Vert.x
 * timer. Subclasses say what to do with each pipe and how to report.
 */
abstract class BashSession {

  private final SpokeWorkers workers;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicInteger pipesOpen = new AtomicInteger(2);
  private volatile boolean stopping;
  private volatile ProcessTree tree;
  private volatile long timer = -1;
  private volatile long timeoutMs;

  /** @param workers where the command is started and its pipes are read */
  BashSession(SpokeWorkers workers) {
    this.workers = workers;
  }

  /**
   * Hooks the caller's abort and starts the command on the blocking pool; returns at once. Call it on
   * the handler's thread.
   *
   * @param ctx the call
   * @param input the validated input
   * @param paths the spoke's root
   */
  final void begin(OperationContext ctx, JsonObject input, RootedPaths paths) {
    ctx.onAbort(this::abort);
    if (ctx.isAborted()) {
      abort("aborted before it started");
      return;
    }
    String threads = "callmesh-bash-" + ctx.requestId();
    workers.blocking(() -> {
      launch(input, paths, threads);
      return null;
    });
  }

  /**
   * Reads one pipe to its end (a read failure counts as its end), on a stream thread.
   *
   * @param pipe the process's stdout or stderr
   * @param stream {@code "stdout"} or {@code "stderr"}
   */
  abstract void pump(InputStream pipe, String stream);

  /**
   * Reports the command's exit, after both pipes ended, on the stream thread of the pipe that ended last
   * (it may block). Called at most once, instead of the others.
   */
  abstract void exited(int exitCode);

  /** Reports a failure (timeout, bad cwd, bash not startable, no stream thread). Called at most once, instead of the others. */
  abstract void failed(CallException error);

  /** Reports the caller's abort. Called at most once, instead of the others. */
  abstract void aborted(String reason);

  private void launch(JsonObject input, RootedPaths paths, String threads) {
    try {
      BashRequest request = BashRequest.parse(input, paths);
      if (stopping) {
        return;
      }
      ProcessTree started = ProcessTree.start(request, workers);
      tree = started;
      if (stopping) {
        started.kill();
        return;
      }
      timeoutMs = request.timeoutMs();
      if (timeoutMs > 0) {
        timer = workers.vertx().setTimer(timeoutMs, t -> timeout());
      }
      Process process = started.process();
      workers.stream(threads + "-stdout", () -> drain(process, process.getInputStream(), "stdout"));
      workers.stream(threads + "-stderr", () -> drain(process, process.getErrorStream(), "stderr"));
    } catch (CallException e) {
      stop(e);
    } catch (IOException e) {
      stop(CallException.of(ErrorCode.INTERNAL, "could not start bash: " + e.getMessage()
          + "; check that bash is installed and on the spoke's PATH"));
    } catch (RuntimeException e) {
      stop(CallException.of(ErrorCode.INTERNAL, "could not start the command: " + e));
    }
  }

  private void drain(Process process, InputStream pipe, String stream) {
    try {
      pump(pipe, stream);
    } finally {
      if (pipesOpen.decrementAndGet() == 0) {
        reportExit(process);
      }
    }
  }

  private void reportExit(Process process) {
    int exitCode;
    try {
      exitCode = process.waitFor(); // both pipes ended: the process is exiting, or closed them and runs on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(CallException.of(ErrorCode.UNAVAILABLE, "the spoke is shutting down; the command was killed"));
      return;
    }
    if (claim()) {
      exited(exitCode);
    }
  }

  private void abort(String reason) {
    stopping = true;
    killTree();
    if (claim()) {
      aborted(reason);
    }
  }

  private void timeout() {
    if (ended.get()) {
      return;
    }
    stop(CallException.of(ErrorCode.TIMEOUT, "the command ran longer than its timeoutMs of " + timeoutMs
        + " ms and was killed; raise timeoutMs, or make the command finish sooner"));
  }

  /** Kills the tree (if started) and reports the failure, unless the outcome is taken already. */
  private void stop(CallException error) {
    stopping = true;
    killTree();
    if (claim()) {
      failed(error);
    }
  }

  private void killTree() {
    ProcessTree t = tree;
    if (t != null) {
      t.kill();
    }
  }

  /** @return whether the caller owns the outcome (only the first caller does) */
  private boolean claim() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    long t = timer;
    if (t >= 0) {
      workers.vertx().cancelTimer(t);
    }
    return true;
  }
}
