package dev.callmesh.hub.impl.jobs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where jobs are kept: the SQLite database {@value JobDb#FILE} in the hub's data directory, or one in memory
 * for a hub without a data directory. All of its JDBC runs on one thread the store owns, never on an event
 * loop, one task at a time in the order the methods were called: a read sees every write asked for before
 * it. Each method returns a future completed on the context it was called from (a new one when called
 * off Vert.x); database failures fail it with INTERNAL, naming the database.
 * <p>
 * sqlite-jdbc extracts its native library on first use into {@code org.sqlite.tmpdir}; unless that
 * system property is set, the store sets it to {@code native/} in the data directory (made when missing),
 * which the hub can write, where {@code /tmp} may be mounted noexec.
 */
public final class JobStore {

  /** The most output JSON text one job keeps: 1 MiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

  /** The error of a job whose hub stopped while it ran, as the store records it when it opens. */
  public static final JsonObject HUB_STOPPED = CallException.of(ErrorCode.UNAVAILABLE,
      "the hub running this job stopped before it ended; start it again").toPayload();

  private static final Logger log = LoggerFactory.getLogger(JobStore.class);

  /**
   * A job with its kept outputs, read together.
   *
   * @param job the job
   * @param outputs its kept outputs, in seq order
   */
  public record Detail(JobRecord job, List<JobOutput> outputs) {

    /**
     * @return what {@code /hub/jobs/get} answers: {@link JobRecord#detail()} with {@code "outputs":[..]}, as
     *     JSON text, the outputs copied as they were kept
     */
    public RawJson toJson() {
      String head = job.detail().encode();
      StringBuilder sb = new StringBuilder(head.length() + 64).append(head, 0, head.length() - 1).append(",\"outputs\":[");
      for (int i = 0; i < outputs.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(outputs.get(i).json());
      }
      return RawJson.of(Buffer.buffer(sb.append("]}").toString()));
    }
  }

  /** One piece of work on the database. */
  @FunctionalInterface
  private interface Task<T> {
    T run(JobDb db) throws SQLException;
  }

  private final Vertx vertx;
  private final ExecutorService thread;
  private final JobDb db;
  private volatile boolean closed;

  private JobStore(Vertx vertx, ExecutorService thread, JobDb db) {
    this.vertx = vertx;
    this.thread = thread;
    this.db = db;
  }

  /**
   * Opens the store and marks the jobs still running in it (their hub died) failed with {@link #HUB_STOPPED}.
   *
   * @param vertx where the futures complete
   * @param dataDir the hub's data directory (an existing, writable directory), or {@code null} for a
   *     database in memory, gone when the hub stops
   * @param maxOutputBytes how much output JSON text each job keeps ({@link #DEFAULT_MAX_OUTPUT_BYTES})
   * @return a future of the store, failed with an {@link IOException} naming the file when it cannot be
   *     used (not a directory we can write, not a SQLite database, damaged): the file is then left as it was
   */
  public static Future<JobStore> open(Vertx vertx, Path dataDir, long maxOutputBytes) {
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "callmesh-jobs-db");
      t.setDaemon(true); // a commit is atomic: nothing is half-written when the process ends
      return t;
    });
    Context ctx = context(vertx);
    Promise<JobStore> opened = Promise.promise();
    thread.execute(() -> {
      try {
        JobDb db = JobDb.open(dataDir == null ? null : file(dataDir), maxOutputBytes);
        int failed;
        try {
          failed = db.failRunning(System.currentTimeMillis(), HUB_STOPPED);
        } catch (SQLException e) {
          db.close();
          throw new IOException("cannot update the jobs database " + db.where() + ": " + e.getMessage(), e);
        }
        if (failed > 0) {
          log.warn("{} jobs were running when the hub last stopped; they are marked failed (UNAVAILABLE)", failed);
        }
        log.info("jobs are kept in {}", db.where());
        JobStore store = new JobStore(vertx, thread, db);
        ctx.runOnContext(v -> opened.complete(store));
      } catch (IOException | SQLException | RuntimeException e) {
        thread.shutdown();
        IOException failure = e instanceof IOException io ? io : new IOException("cannot open the jobs database: " + e, e);
        ctx.runOnContext(v -> opened.fail(failure));
      }
    });
    return opened.future();
  }

  /** @return the database file in the data directory, after checking the directory and placing the native library */
  private static Path file(Path dataDir) throws IOException {
    Path dir = dataDir.toAbsolutePath();
    String hint = "; point --data-dir (CALLMESH_DATA_DIR) at a directory the hub can write";
    if (!Files.isDirectory(dir)) {
      throw new IOException("the data directory " + dir + " is not a directory" + hint);
    }
    if (!Files.isWritable(dir)) {
      throw new IOException("the data directory " + dir + " is not writable" + hint);
    }
    Path file = dir.resolve(JobDb.FILE);
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IOException("the jobs database " + file + " is not a file; move it aside");
    }
    if (!Files.exists(file) && Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      // An empty file is an empty database; made owner-only first, as SQLite then makes its -wal and -shm files.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    if (System.getProperty("org.sqlite.tmpdir") == null) {
      Path lib = dir.resolve("native");
      Files.createDirectories(lib);
      System.setProperty("org.sqlite.tmpdir", lib.toString());
    }
    return file;
  }

  private static Context context(Vertx vertx) {
    Context ctx = Vertx.currentContext();
    return ctx != null ? ctx : vertx.getOrCreateContext();
  }

  private <T> Future<T> run(Task<T> task) {
    Context ctx = context(vertx);
    Promise<T> result = Promise.promise();
    if (closed) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment"));
    }
    try {
      thread.execute(() -> {
        try {
          T value = task.run(db);
          ctx.runOnContext(v -> result.complete(value));
        } catch (SQLException | RuntimeException e) {
          db.rollback();
          log.error("the jobs database {} failed", db.where(), e);
          CallException failure = CallException.of(ErrorCode.INTERNAL, "the jobs database " + db.where()
              + " failed: " + e.getMessage() + "; the hub's log has the details");
          ctx.runOnContext(v -> result.fail(failure));
        }
      });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment"));
    }
    return result.future();
  }

  /** @return where the jobs are, for messages: the database file, or "in memory" */
  public String where() {
    return db.where();
  }

  /** @return a future completed once the job is recorded */
  public Future<Void> insert(JobRecord job) {
    return run(db -> {
      db.insert(job);
      return null;
    });
  }

  /**
   * @param job a running job
   * @param seq the output's place, from 1
   * @param json the output's JSON text
   * @return a future of whether the output was kept: {@code false} once the job's kept outputs would pass
   *     the output limit (the job is then truncated and keeps no later output)
   */
  public Future<Boolean> append(String job, long seq, String json) {
    return run(db -> db.append(job, seq, json));
  }

  /**
   * @param error the {@code call.error} payload, or {@code null}
   * @return a future of whether the job was running (one that has ended keeps its first end)
   */
  public Future<Boolean> end(String job, JobState state, long endedAt, JsonObject error) {
    return run(db -> db.end(job, state, endedAt, error));
  }

  /** @return a future of the job, or of {@code null} when there is none of that id */
  public Future<JobRecord> get(String job) {
    return run(db -> db.get(job));
  }

  /**
   * @return a future of the job when it is the identity's, else of {@code null}: another identity's job
   *     and a job that does not exist look the same
   */
  public Future<JobRecord> get(String job, String identity) {
    return run(db -> {
      JobRecord r = db.get(job);
      return r != null && r.identity().equals(identity) ? r : null;
    });
  }

  /** @return a future of the job with all its kept outputs, or of {@code null} when there is no job of that id */
  public Future<Detail> detail(String job) {
    return run(db -> {
      JobRecord r = db.get(job);
      return r == null ? null : new Detail(r, db.outputs(job, 0, Integer.MAX_VALUE));
    });
  }

  /** @return a future of up to {@code limit} kept outputs with a seq above {@code after}, in seq order */
  public Future<List<JobOutput>> outputs(String job, long after, int limit) {
    return run(db -> db.outputs(job, after, limit));
  }

  /** @return a future of the identity's jobs (in the state, unless {@code null}), newest first, at most {@code limit} */
  public Future<List<JobRecord>> list(String identity, JobState state, int limit) {
    return run(db -> db.list(identity, state, limit));
  }

  /** @return a future of how many ended jobs were deleted, with their outputs: those that ended before the time */
  public Future<Integer> purge(long endedBefore) {
    return run(db -> db.purge(endedBefore));
  }

  /** @return a future completed once the database is closed, after every task asked for before */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    Future<Void> done = run(db -> {
      db.close();
      return null;
    });
    closed = true;
    thread.shutdown();
    return done;
  }
}
