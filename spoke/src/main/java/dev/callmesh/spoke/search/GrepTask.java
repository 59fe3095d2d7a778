package dev.callmesh.spoke.search;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.spoke.fs.RootedPaths;
import dev.callmesh.spoke.work.FlowGate;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One {@code /search/grep} call, run on a stream thread of {@link SpokeWorkers}: resolves the path, walks
 * the tree ({@link TreeWalker}) and emits one output per matching line as soon as it is found. It pauses at
 * the call's {@link FlowGate} while the caller takes no more, stops when the call is aborted, and
 * completes the stream after {@code maxResults}
 * outputs or at the end of the walk. Binary files and files over {@link FileLines#MAX_FILE_BYTES} are
 * skipped, as are files that cannot be read.
 */
final class GrepTask implements Runnable {

  /** Default of {@code maxResults}. */
  static final int DEFAULT_MAX_RESULTS = 1000;
  /** Longest {@code text} sent, in UTF-16 chars; longer lines are cut. */
  static final int MAX_TEXT_CHARS = 1000;

  private final RootedPaths paths;
  private final JsonObject input;
  private final OutputSink sink;
  private final FlowGate gate;
  private final int maxResults;
  private int emitted;

  private GrepTask(RootedPaths paths, OperationContext ctx, JsonObject input, OutputSink sink) {
    this.paths = paths;
    this.input = input;
    this.sink = sink;
    this.gate = new FlowGate(ctx, sink);
    this.maxResults = input.getInteger("maxResults", DEFAULT_MAX_RESULTS);
  }

  /**
   * Starts the search on a stream thread ({@code callmesh-grep-<request id>}) and returns at once; fails
   * the sink with RESOURCE_EXHAUSTED when no stream thread is free. Call it on the handler's thread.
   *
   * @param paths the root
   * @param ctx the call
   * @param input the validated input
   * @param sink where the matches go
   * @param workers the spoke's threads
   */
  static void start(RootedPaths paths, OperationContext ctx, JsonObject input, OutputSink sink, SpokeWorkers workers) {
    GrepTask task = new GrepTask(paths, ctx, input, sink);
    try {
      workers.stream("callmesh-grep-" + ctx.requestId(), task);
    } catch (CallException e) {
      task.gate.close();
      sink.fail(e);
    }
  }

  @Override
  public void run() {
    try {
      LineMatcher matcher = LineMatcher.compile(input.getString("pattern"),
          input.getBoolean("regex", true), input.getBoolean("caseSensitive", true));
      String glob = input.getString("glob");
      GlobFilter filter = glob == null ? null : GlobFilter.compile(glob);
      SearchPath start = SearchPath.resolve(paths, input.getString("path"));
      boolean finished;
      if (start.attributes().isDirectory()) {
        TreeWalker walker = new TreeWalker(paths.root(), gate::isStopped);
        finished = walker.walk(start.path(), (file, attrs) ->
            (filter != null && !filter.matches(start.path().relativize(file))) || searchFile(file, attrs, matcher));
      } else if (filter == null || filter.matches(start.path().getFileName())) {
        finished = searchFile(start.path(), start.attributes(), matcher);
      } else {
        finished = true;
      }
      if (finished || emitted >= maxResults) {
        sink.complete();
      }
    } catch (Throwable t) {
      sink.fail(SearchFailures.translate(t, paths));
    }
  }

  /** @return whether to go on walking */
  private boolean searchFile(Path file, BasicFileAttributes attrs, LineMatcher matcher) {
    if (!attrs.isRegularFile() || attrs.size() > FileLines.MAX_FILE_BYTES) {
      return true;
    }
    String rel = paths.relative(file);
    try {
      return FileLines.read(file, (number, line) -> {
        int at = matcher.find(line);
        return at < 0 || emit(rel, number, at, line);
      });
    } catch (IOException e) {
      return !gate.isStopped(); // unreadable or vanished: skip it, as grep -s does
    }
  }

  /** @return whether to go on: false once maxResults outputs are out or the call must stop */
  private boolean emit(String rel, int number, int at, CharSequence line) {
    if (!gate.awaitWritable()) {
      return false;
    }
    sink.emit(new JsonObject()
        .put("path", rel)
        .put("line", number)
        .put("column", at + 1)
        .put("text", shorten(line)));
    return ++emitted < maxResults;
  }

  private static String shorten(CharSequence line) {
    if (line.length() <= MAX_TEXT_CHARS) {
      return line.toString();
    }
    int end = Character.isHighSurrogate(line.charAt(MAX_TEXT_CHARS - 1)) ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS;
    return line.subSequence(0, end).toString();
  }
}
