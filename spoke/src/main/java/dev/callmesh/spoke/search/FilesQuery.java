package dev.callmesh.spoke.search;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.spoke.fs.FsErrors;
import dev.callmesh.spoke.fs.RootedPaths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * The blocking body of {@code /search/files}: walks the search path ({@link TreeWalker}, so in path order,
 * honoring {@code .gitignore} and skipping {@code .git}) and collects the files whose path relative to it
 * matches the glob ({@link GlobFilter}), up to {@code maxResults}.
 */
final class FilesQuery {

  /** Default of {@code maxResults}. */
  static final int DEFAULT_MAX_RESULTS = 1000;

  private FilesQuery() {
  }

  /**
   * Blocking: run off the event loop.
   *
   * @param paths the root
   * @param ctx the call; the walk ends early when it is aborted
   * @param input the validated input {@code {glob, path?, maxResults?}}
   * @return {@code {paths:[..], truncated}}, the paths relative to the root
   * @throws IOException when the search path cannot be read
   */
  static JsonObject run(RootedPaths paths, OperationContext ctx, JsonObject input) throws IOException {
    GlobFilter filter = GlobFilter.compile(input.getString("glob"));
    int max = input.getInteger("maxResults", DEFAULT_MAX_RESULTS);
    SearchPath start = SearchPath.resolve(paths, input.getString("path"));
    if (!start.attributes().isDirectory()) {
      throw FsErrors.NOT_A_DIRECTORY.exception("'" + paths.relative(start.path())
          + "' is not a directory; pass a directory as path");
    }
    JsonArray found = new JsonArray();
    boolean[] truncated = {false};
    new TreeWalker(paths.root(), ctx::isAborted).walk(start.path(), (file, attrs) -> {
      if (!filter.matches(start.path().relativize(file))) {
        return true;
      }
      if (found.size() == max) {
        truncated[0] = true;
        return false;
      }
      found.add(paths.relative(file));
      return true;
    });
    return new JsonObject().put("paths", found).put("truncated", truncated[0]);
  }
}
