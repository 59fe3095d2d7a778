package dev.callmesh.spoke.fs;

import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.spoke.work.SpokeWorkers;

import java.nio.file.Path;

/**
 * {@code /fs/watch} (README, "Operations a spoke serves"): streams {@code {kind:"created"|"modified"|"deleted", path}} for changes in a
 * directory, the path relative to the root, until the call is aborted.
 * <p>
 * Each subscription has its own {@link java.nio.file.WatchService} and a stream thread of
 * {@link SpokeWorkers} ({@code callmesh-watch-<request id>} while it runs). The handler
 * resolves the path and registers the watched directory before it returns (a few quick system calls), so
 * a change made in that directory once the call has started is never missed. With {@code recursive} the
 * thread then registers every existing subdirectory (without following symlinks, so never outside the
 * root) before it reports anything: once the first output has arrived, the whole tree is watched (a change
 * inside an existing subdirectory in the moments before may be missed). Subdirectories created later are
 * registered as they appear, and the entries they already hold by then are reported as {@code created}, so
 * such an entry may be reported twice, never missed.
 * <p>
 * When the operating system drops events (OVERFLOW) nothing is reported for them and the watch goes on.
 * While the caller takes no more the thread waits at the call's {@link dev.callmesh.spoke.work.FlowGate}
 * (the system then queues events, and may drop them as OVERFLOW). When the watched directory itself is
 * removed the stream completes.
 * <p>
 * Errors: FORBIDDEN outside the root, FILE_NOT_FOUND when the path does not exist, NOT_A_DIRECTORY for a
 * file, RESOURCE_EXHAUSTED beyond {@value #DEFAULT_MAX_DIRECTORIES} watched directories (or the system's
 * own watch limit, or when the spoke has no stream thread free).
 */
public final class FsWatch {

  /** Most directories one recursive watch registers. */
  public static final int DEFAULT_MAX_DIRECTORIES = 10_000;

  private FsWatch() {
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return the {@code /fs/watch} subscription handler
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  public static SubscriptionHandler handler(Path root, SpokeWorkers workers) {
    return handler(root, workers, DEFAULT_MAX_DIRECTORIES);
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @param maxDirectories most directories one watch registers
   * @return the {@code /fs/watch} subscription handler
   */
  static SubscriptionHandler handler(Path root, SpokeWorkers workers, int maxDirectories) {
    RootedPaths paths = new RootedPaths(root);
    return (ctx, input, sink) -> {
      FsWatchSession session;
      try {
        session = FsWatchSession.open(paths, ctx, input, sink, maxDirectories);
      } catch (Throwable t) {
        sink.fail(FsFailures.translate(t, paths));
        return;
      }
      session.start(workers);
    };
  }
}
