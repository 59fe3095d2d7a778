package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spoke's {@code fs} operations (README, "Operations a spoke serves"), confined to one root directory. {@code /fs/watch} is a
 * subscription and is served elsewhere.
 * <p>
 * Every handler runs its file I/O on the spoke's blocking pool ({@link SpokeWorkers#blocking}) and fails with a
 * {@link dev.callmesh.protocol.CallException}: FORBIDDEN for a path outside the root, the
 * {@link FsErrors} codes for file system conditions, RESOURCE_EXHAUSTED for reads over 16 MiB,
 * INVALID_INPUT for malformed paths or content.
 */
public final class FsOperations {

  private FsOperations() {
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @param workers the spoke's threads
   * @return handlers by operation name: {@code /fs/readFile}, {@code /fs/writeFile}, {@code /fs/stat},
   *     {@code /fs/list}, {@code /fs/mkdir}, {@code /fs/remove} and {@code /fs/move}
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  public static Map<String, OperationHandler> handlers(Path root, SpokeWorkers workers) {
    RootedPaths paths = new RootedPaths(root);
    FsReadOps read = new FsReadOps(paths);
    FsWriteOps write = new FsWriteOps(paths);
    FsTreeOps tree = new FsTreeOps(paths);
    Map<String, OperationHandler> handlers = new LinkedHashMap<>();
    handlers.put("/fs/readFile", blocking(workers, paths, read::readFile));
    handlers.put("/fs/writeFile", blocking(workers, paths, write::writeFile));
    handlers.put("/fs/stat", blocking(workers, paths, read::stat));
    handlers.put("/fs/list", blocking(workers, paths, read::list));
    handlers.put("/fs/mkdir", blocking(workers, paths, write::mkdir));
    handlers.put("/fs/remove", blocking(workers, paths, tree::remove));
    handlers.put("/fs/move", blocking(workers, paths, tree::move));
    return Map.copyOf(handlers);
  }

  /** One fs operation's blocking body. */
  @FunctionalInterface
  private interface BlockingOp {
    JsonObject apply(JsonObject input) throws IOException;
  }

  private static OperationHandler blocking(SpokeWorkers workers, RootedPaths paths, BlockingOp op) {
    return (ctx, input) -> workers.blocking(() -> {
      try {
        return op.apply(input);
      } catch (Throwable t) {
        throw FsFailures.translate(t, paths);
      }
    });
  }
}
