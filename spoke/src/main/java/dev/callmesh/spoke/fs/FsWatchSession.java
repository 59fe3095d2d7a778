package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.spoke.work.FlowGate;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * One {@code /fs/watch} subscription (see {@link FsWatch}): its watch service, its directories and the
 * stream thread that turns events into outputs, held back at the call's {@link FlowGate}. Aborting the
 * call closes the watch service and the gate, which ends the thread's task.
 */
final class FsWatchSession implements Runnable {

  private static final long POLL_MS = 250;

  private final RootedPaths paths;
  private final OperationContext ctx;
  private final OutputSink sink;
  private final Path top;
  private final boolean recursive;
  private final WatchService service;
  private final FsWatchDirectories directories;
  private final FlowGate gate;
  private volatile boolean closed;

  private FsWatchSession(RootedPaths paths, OperationContext ctx, OutputSink sink, Path top, boolean recursive,
      WatchService service, int maxDirectories) {
    this.paths = paths;
    this.ctx = ctx;
    this.sink = sink;
    this.top = top;
    this.recursive = recursive;
    this.service = service;
    this.directories = new FsWatchDirectories(service, maxDirectories);
    this.gate = new FlowGate(ctx, sink);
  }

  /**
   * Resolves the path, registers the watched directory and makes the call's flow gate; does not start the
   * watching. Blocking, but only for a few system calls. Call it on the handler's thread.
   *
   * @param paths the root
   * @param ctx the call
   * @param input the validated input {@code {path, recursive?}}
   * @param sink where the events go
   * @param maxDirectories most directories the watch registers
   * @return the session, watching
   * @throws IOException when the path cannot be examined or watched
   * @throws dev.callmesh.protocol.CallException FORBIDDEN, NOT_A_DIRECTORY, RESOURCE_EXHAUSTED
   */
  static FsWatchSession open(RootedPaths paths, OperationContext ctx, JsonObject input, OutputSink sink,
      int maxDirectories) throws IOException {
    String userPath = input.getString("path");
    Path dir = paths.resolve(userPath);
    BasicFileAttributes attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isDirectory()) {
      throw FsErrors.NOT_A_DIRECTORY.exception("'" + paths.relative(dir) + "' is not a directory; watch its directory");
    }
    WatchService service = dir.getFileSystem().newWatchService();
    FsWatchSession session = new FsWatchSession(paths, ctx, sink, dir, input.getBoolean("recursive", false),
        service, maxDirectories);
    try {
      session.directories.register(dir);
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /**
   * Installs the abort handler, and starts watching on a stream thread
   * ({@code callmesh-watch-<request id>}); fails the sink with RESOURCE_EXHAUSTED when none is free. Call
   * it on the handler's thread.
   *
   * @param workers the spoke's threads
   */
  void start(SpokeWorkers workers) {
    ctx.onAbort(reason -> close());
    if (ctx.isAborted()) {
      close();
      return;
    }
    try {
      workers.stream("callmesh-watch-" + ctx.requestId(), this);
    } catch (CallException e) {
      close();
      sink.fail(e);
    }
  }

  @Override
  public void run() {
    try {
      if (recursive) {
        directories.registerTree(top, true, null);
      }
      while (!stopped()) {
        WatchKey key = service.poll(POLL_MS, TimeUnit.MILLISECONDS);
        if (key != null && !handle(key)) {
          return;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // aborted: the sink ignores everything now
    } catch (Throwable t) {
      if (!stopped()) {
        sink.fail(FsFailures.translate(t, paths));
      }
    } finally {
      close();
    }
  }

  /** @return whether to go on watching */
  private boolean handle(WatchKey key) throws IOException {
    Path dir = directories.directory(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      String kind = kind(event.kind());
      if (dir == null || kind == null) {
        continue; // OVERFLOW: the system dropped events; nothing to report for them
      }
      Path child = dir.resolve((Path) event.context());
      if (!emit(kind, child)) {
        return false;
      }
      if (recursive && event.kind() == StandardWatchEventKinds.ENTRY_CREATE
          && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        directories.registerTree(child, false, entry -> emit("created", entry));
      }
    }
    if (!key.reset()) {
      directories.forget(key);
      if (top.equals(dir)) {
        sink.complete(); // the watched directory is gone
        return false;
      }
    }
    return true;
  }

  private static String kind(WatchEvent.Kind<?> kind) {
    if (kind == StandardWatchEventKinds.ENTRY_CREATE) {
      return "created";
    }
    if (kind == StandardWatchEventKinds.ENTRY_MODIFY) {
      return "modified";
    }
    if (kind == StandardWatchEventKinds.ENTRY_DELETE) {
      return "deleted";
    }
    return null;
  }

  /** Emits one event once the sink can take it. @return false when the watch must stop instead */
  private boolean emit(String kind, Path path) {
    if (closed || !gate.awaitWritable()) {
      return false;
    }
    sink.emit(new JsonObject().put("kind", kind).put("path", paths.relative(path)));
    return true;
  }

  private boolean stopped() {
    return closed || gate.isStopped();
  }

  private void close() {
    closed = true;
    gate.close();
    try {
      service.close();
    } catch (IOException e) {
      // closing is best effort; the thread ends either way
    }
  }
}
