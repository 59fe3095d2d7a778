package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationHandler;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spoke's {@code fs} operations (SPEC §5), confined to one root directory. {@code /fs/watch} is a
 * subscription and is served elsewhere.
 * <p>
 * Every handler runs its file I/O on a worker thread ({@code executeBlocking}, unordered) and fails with a
 * {@link dev.callmesh.protocol.CallException}: FORBIDDEN for a path outside the root, the
 * {@link FsErrors} codes for file system conditions, RESOURCE_EXHAUSTED for reads over 16 MiB,
 * INVALID_INPUT for malformed paths or content.
 */
public final class FsOperations {

  private FsOperations() {
  }

  /**
   * @param root the spoke's root directory; it must exist
   * @return handlers by operation name: {@code /fs/readFile}, {@code /fs/writeFile}, {@code /fs/stat},
   *     {@code /fs/list}, {@code /fs/mkdir}, {@code /fs/remove} and {@code /fs/move}
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  public static Map<String, OperationHandler> handlers(Path root) {
    RootedPaths paths = new RootedPaths(root);
    FsReadOps read = new FsReadOps(paths);
    FsWriteOps write = new FsWriteOps(paths);
    FsTreeOps tree = new FsTreeOps(paths);
    Map<String, OperationHandler> handlers = new LinkedHashMap<>();
    handlers.put("/fs/readFile", blocking(paths, read::readFile));
    handlers.put("/fs/writeFile", blocking(paths, write::writeFile));
    handlers.put("/fs/stat", blocking(paths, read::stat));
    handlers.put("/fs/list", blocking(paths, read::list));
    handlers.put("/fs/mkdir", blocking(paths, write::mkdir));
    handlers.put("/fs/remove", blocking(paths, tree::remove));
    handlers.put("/fs/move", blocking(paths, tree::move));
    return Map.copyOf(handlers);
  }

  /** One fs operation's blocking body. */
  @FunctionalInterface
  private interface BlockingOp {
    JsonObject apply(JsonObject input) throws IOException;
  }

  private static OperationHandler blocking(RootedPaths paths, BlockingOp op) {
    return (ctx, input) -> ctx.vertx().executeBlocking(() -> {
      try {
        return op.apply(input);
      } catch (Throwable t) {
        throw FsFailures.translate(t, paths);
      }
    }, false);
  }
}
