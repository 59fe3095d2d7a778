package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.fs.RootedPaths;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call of a bash operation, from start to its single outcome: the command's exit, its timeout, the
 * caller's abort, or a failure to start. Whichever comes first owns the outcome; abort and timeout kill
 * the whole process tree. Subclasses say what to do with the pipes and how to report.
 *
 * @param <T> what reading the pipes yields
 */
abstract class BashSession<T> {

  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean stopping;
  private volatile ProcessTree tree;
  private volatile ScheduledFuture<?> timer;
  private volatile long timeoutMs;

  /**
   * Hooks the caller's abort and starts the command on a pool thread; returns at once.
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
    BashThreads.pool().execute(() -> launch(input, paths));
  }

  /** Starts reading the process's pipes (each on a pool thread); the future completes when both ended. */
  abstract CompletableFuture<T> readPipes(Process process);

  /**
   * Reports the command's exit, after both pipes ended, on a pool thread (it may block). Called at most
   * once, instead of the others.
   */
  abstract void exited(int exitCode, T pipes);

  /** Reports a failure (timeout, bad cwd, bash not startable). Called at most once, instead of the others. */
  abstract void failed(CallException error);

  /** Reports the caller's abort. Called at most once, instead of the others. */
  abstract void aborted(String reason);

  private void launch(JsonObject input, RootedPaths paths) {
    try {
      BashRequest request = BashRequest.parse(input, paths);
      if (stopping) {
        return;
      }
      ProcessTree started = ProcessTree.start(request);
      tree = started;
      if (stopping) {
        started.kill();
        return;
      }
      timeoutMs = request.timeoutMs();
      if (timeoutMs > 0) {
        timer = BashThreads.timers().schedule(this::timeout, timeoutMs, TimeUnit.MILLISECONDS);
      }
      Process process = started.process();
      readPipes(process)
          // on a pool thread: onExit completes on the JDK's process reaper, which must never wait on us
          .thenCombineAsync(process.onExit(), (pipes, p) -> {
            if (claim()) {
              exited(p.exitValue(), pipes);
            }
            return null;
          }, BashThreads.pool())
          .exceptionally(t -> {
            if (claim()) {
              failed(CallException.of(ErrorCode.INTERNAL, "reading the command's output failed: " + t));
            }
            return null;
          });
    } catch (CallException e) {
      if (claim()) {
        failed(e);
      }
    } catch (IOException e) {
      if (claim()) {
        failed(CallException.of(ErrorCode.INTERNAL, "could not start bash: " + e.getMessage()
            + "; check that bash is installed and on the spoke's PATH"));
      }
    } catch (RuntimeException e) {
      if (claim()) {
        failed(CallException.of(ErrorCode.INTERNAL, "could not start the command: " + e));
      }
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
    stopping = true;
    killTree();
    if (claim()) {
      failed(CallException.of(ErrorCode.TIMEOUT, "the command ran longer than its timeoutMs of " + timeoutMs
          + " ms and was killed; raise timeoutMs, or make the command finish sooner"));
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
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
    return true;
  }
}
