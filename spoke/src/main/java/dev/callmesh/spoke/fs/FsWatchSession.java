package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
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
 * thread that turns events into outputs. Aborting the call closes the watch service, which ends the
 * thread.
 */
final class FsWatchSession implements Runnable {

  private static final long POLL_MS = 250;
  private static final long RECHECK_MS = 50;

  private final RootedPaths paths;
  private final OperationContext ctx;
  private final OutputSink sink;
  private final Path top;
  private final boolean recursive;
  private final WatchService service;
  private final FsWatchDirectories directories;
  private final Object drained = new Object();
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
  }

  /**
   * Resolves the path and registers the watched directory; does not start the thread. Blocking, but only
   * for a few system calls.
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

  /** Starts the session's thread, and installs the abort and drain handlers. */
  void start() {
    ctx.onAbort(reason -> close());
    sink.drainHandler(v -> {
      synchronized (drained) {
        drained.notifyAll();
      }
    });
    if (ctx.isAborted()) {
      close();
      return;
    }
    Thread thread = new Thread(this, "callmesh-watch-" + ctx.requestId());
    thread.setDaemon(true);
    thread.start();
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
    synchronized (drained) {
      while (!stopped() && sink.writeQueueFull()) {
        try {
          drained.wait(RECHECK_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    if (stopped()) {
      return false;
    }
    sink.emit(new JsonObject().put("kind", kind).put("path", paths.relative(path)));
    return true;
  }

  private boolean stopped() {
    return closed || ctx.isAborted() || sink.isEnded();
  }

  private void close() {
    closed = true;
    try {
      service.close();
    } catch (IOException e) {
      // closing is best effort; the thread ends either way
    }
  }
}
