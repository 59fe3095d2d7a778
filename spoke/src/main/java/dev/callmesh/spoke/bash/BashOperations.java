package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.spoke.fs.RootedPaths;
import dev.callmesh.spoke.work.SpokeWorkers;

import java.nio.file.Path;

/**
 * The spoke's {@code bash} operations (README, "Operations a spoke serves"): {@code /bash/exec} streams a
 * command's output, {@code /bash/run} returns it whole.
 * <p>
 * Both run {@code bash -c command} in {@code cwd} (confined to the root; default the root) with the
 * spoke's environment minus its {@code CALLMESH_*} variables, plus the input's {@code env}; the input's
 * {@code stdin} is written and closed (without it, stdin is closed at once). Each command runs in a
 * process group of its own (via {@code setsid} where installed): the caller's abort, the input's
 * {@code timeoutMs} and the spoke's shutdown kill the whole tree, SIGTERM first, SIGKILL after 2 s.
 * The command is started on the spoke's blocking pool and its pipes are read on stream threads
 * ({@link SpokeWorkers}), never on the event loop.
 * <p>
 * Errors: FORBIDDEN for a cwd outside the root, FILE_NOT_FOUND / NOT_A_DIRECTORY for a cwd that is
 * missing or a file, TIMEOUT when {@code timeoutMs} expired, INTERNAL when bash cannot be started,
 * RESOURCE_EXHAUSTED when the spoke has no stream thread free for the pipes.
 */
public final class BashOperations {

  private BashOperations() {
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return the {@code /bash/exec} handler: emits {@code {stream:"stdout"|"stderr", data}} as output
   *     arrives (chunks of at most 8 KiB of text, UTF-8 decoded across reads), then {@code {exitCode}}
   *     (128+N when killed by signal N) once the process exited and both pipes ended, then completes; while
   *     the sink's queue is full it stops reading, so the command blocks instead of the spoke buffering
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  public static SubscriptionHandler exec(Path root, SpokeWorkers workers) {
    RootedPaths paths = new RootedPaths(root);
    return (ctx, input, sink) -> new ExecSession(workers, ctx, sink).begin(ctx, input, paths);
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return the {@code /bash/run} handler: a future of {@code {exitCode, stdout, stderr, truncated}} once
   *     the command exited and both pipes ended; each stream keeps at most 1 MiB (the rest is read and
   *     dropped, and {@code truncated} is true); fails ABORTED when the caller aborts
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  public static OperationHandler run(Path root, SpokeWorkers workers) {
    return run(root, workers, OutputCollector.DEFAULT_CAP);
  }

  /**
   * Kills every process tree started with these workers that still runs (SIGTERM, then SIGKILL to what
   * survives 2 s), for a spoke that closes its pools while the JVM runs
   * on; a JVM shutdown hook does the same for every tree on exit. Blocks up to that long: call it off the
   * event loop, before closing the workers.
   *
   * @param workers the spoke's threads
   */
  public static void killAll(SpokeWorkers workers) {
    ProcessTree.killAllNow(workers);
  }

  /** As {@link #run(Path, SpokeWorkers)} with another cap per stream, in bytes (for tests). */
  static OperationHandler run(Path root, SpokeWorkers workers, int capBytes) {
    RootedPaths paths = new RootedPaths(root);
    return (ctx, input) -> {
      RunSession session = new RunSession(workers, ctx.vertx().getOrCreateContext(), capBytes);
      session.begin(ctx, input, paths);
      return session.result();
    };
  }
}
