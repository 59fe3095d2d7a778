package dev.callmesh.spoke.search;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.spoke.fs.RootedPaths;
import dev.callmesh.spoke.work.SpokeWorkers;

import java.nio.file.Path;

/**
 * The spoke's {@code search} operations (README, "Operations a spoke serves"), confined to one root
 * directory.
 * <p>
 * Both walk the tree depth-first in path order without following symlinks, skip {@code .git} and what the
 * {@code .gitignore} files ignore (nested files override outer ones, {@code !} re-includes), and report
 * paths relative to the root with {@code /}. A {@code glob} without {@code /} matches file names at any
 * depth; one with {@code /} matches the path relative to the search path ({@code **} crosses directories,
 * and a leading {@code **}{@code /} also matches at the top). Paths outside the root are FORBIDDEN, missing
 * ones FILE_NOT_FOUND, a malformed pattern or glob INVALID_INPUT.
 */
public final class SearchOperations {

  private SearchOperations() {
  }

  /**
   * {@code /search/grep}: one output {@code {path, line, column, text}} per matching line, streamed as
   * found from a stream thread ({@link SpokeWorkers}); binary files (a NUL byte in the first 8 KiB) and files over 50 MiB are
   * skipped; after {@code maxResults} (default 1000) outputs the stream completes. The path may be a
   * directory or a single file. RESOURCE_EXHAUSTED when the spoke has no stream thread free.
   *
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return the subscription handler
   * @throws java.io.UncheckedIOException when the root does not exist
   */
  public static SubscriptionHandler grep(Path root, SpokeWorkers workers) {
    RootedPaths paths = new RootedPaths(root);
    return (ctx, input, sink) -> GrepTask.start(paths, ctx, input, sink, workers);
  }

  /**
   * {@code /search/files}: {@code {paths, truncated}}, the files whose path relative to the search path
   * matches the glob, in path order, at most {@code maxResults} (default 1000). The walk runs on the
   * spoke's blocking pool; a path that is not a directory is NOT_A_DIRECTORY.
   *
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return the query handler; its future completes with the output
   * @throws java.io.UncheckedIOException when the root does not exist
   */
  public static OperationHandler files(Path root, SpokeWorkers workers) {
    RootedPaths paths = new RootedPaths(root);
    return (ctx, input) -> workers.blocking(() -> {
      try {
        return FilesQuery.run(paths, ctx, input);
      } catch (Throwable t) {
        throw SearchFailures.translate(t, paths);
      }
    });
  }
}
