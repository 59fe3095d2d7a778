package dev.callmesh.spoke.work;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads a spoke's operations block on, never an event loop: made once per spoke, closed with it.
 * Two bounded pools, so that calls that may run for hours never hold up the quick ones:
 * <ul>
 *   <li><b>{@link #blocking}</b>: a Vert.x worker pool, {@code NAME-blocking-N}, of {@code workerThreads}
 *       threads for work that ends by itself soon: every {@code fs} operation but the watch,
 *       {@code /search/files}, starting a command (checking its cwd, forking bash), signalling a process
 *       tree. Work beyond the pool's size waits in its queue.</li>
 *   <li><b>{@link #stream}</b>: at most {@code streamThreads} daemon threads, {@code NAME-stream-N}, for
 *       work that lasts as long as its call: the loop of a {@code /fs/watch}, the walk of a
 *       {@code /search/grep}, the pipe pumps of a {@code /bash/exec} or {@code /bash/run} (two per
 *       command, plus one while it writes the command's stdin). This pool never queues: a task that finds
 *       every thread taken is refused with RESOURCE_EXHAUSTED at once, since waiting behind streams that
 *       may never end could be waiting forever. While it runs, a stream thread carries the name its task
 *       gives (e.g. {@code callmesh-watch-<request id>}), which thread dumps show. Its stack is
 *       {@value #STREAM_STACK_BYTES} bytes: {@code java.util.regex} recurses on long lines.</li>
 * </ul>
 * The size of both comes from {@code SpokeOptions} ({@code workerThreads}, {@code streamThreads}).
 */
public final class SpokeWorkers {

  /** The stack of a stream thread, in bytes: 4 MiB. */
  public static final long STREAM_STACK_BYTES = 4L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(SpokeWorkers.class);

  private final Vertx vertx;
  private final WorkerExecutor blocking;
  private final ThreadPoolExecutor streams;
  private final int streamThreads;
  private volatile boolean closing;
  private Future<Void> closed;

  private SpokeWorkers(Vertx vertx, String name, int workerThreads, int streamThreads) {
    this.vertx = vertx;
    this.blocking = vertx.createSharedWorkerExecutor(name + "-blocking", workerThreads);
    this.streamThreads = streamThreads;
    AtomicInteger count = new AtomicInteger();
    this.streams = new ThreadPoolExecutor(0, streamThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(null, r, name + "-stream-" + count.incrementAndGet(), STREAM_STACK_BYTES);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * @param vertx the spoke's Vert.x instance
   * @param name the prefix of the threads' names, e.g. {@code callmesh-spoke}; the blocking pool is the
   *     Vert.x shared worker pool {@code NAME-blocking}, so give each spoke of one Vert.x its own name
   * @param workerThreads the size of the blocking pool, at least 1
   * @param streamThreads the most stream threads at once, at least 1
   * @return the pools, ready
   * @throws IllegalArgumentException for a size below 1
   */
  public static SpokeWorkers create(Vertx vertx, String name, int workerThreads, int streamThreads) {
    if (workerThreads < 1 || streamThreads < 1) {
      throw new IllegalArgumentException("a spoke needs at least one worker thread and one stream thread");
    }
    return new SpokeWorkers(vertx, name, workerThreads, streamThreads);
  }

  /** @return the Vert.x instance, for timers */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Runs short blocking work on the blocking pool, unordered.
   *
   * @param work what to run; what it throws fails the future
   * @return a future of its result, completed on the caller's context when it has one
   */
  public <T> Future<T> blocking(Callable<T> work) {
    return blocking.executeBlocking(work, false);
  }

  /**
   * Starts long-lived work on a stream thread of its own, named {@code name} while it runs.
   *
   * @param name the thread's name while the task runs, e.g. {@code callmesh-grep-<request id>}
   * @param task what to run; it must end when its call ends (abort, deadline, end of stream)
   * @throws CallException RESOURCE_EXHAUSTED (retryable) when every stream thread is taken, UNAVAILABLE
   *     once the workers are closed
   */
  public void stream(String name, Runnable task) {
    try {
      streams.execute(() -> named(name, task));
    } catch (RejectedExecutionException e) {
      if (closing) {
        throw CallException.of(ErrorCode.UNAVAILABLE, "the spoke is shutting down");
      }
      throw CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the spoke already runs its " + streamThreads
          + " stream threads (watches, greps, command pipes); end some of those calls and retry, or raise"
          + " streamThreads in the spoke's --config file");
    }
  }

  private static void named(String name, Runnable task) {
    Thread thread = Thread.currentThread();
    String own = thread.getName();
    thread.setName(name);
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.warn("stream task {} failed", name, e);
    } finally {
      thread.setName(own);
      Thread.interrupted(); // an interrupt meant for this task must not reach the next one
    }
  }

  /**
   * Refuses new stream work, interrupts the stream threads (waits for credit end, see {@link FlowGate})
   * and closes the blocking pool. Running commands are not killed here: their calls' aborts do that.
   *
   * @return a future completed once the blocking pool is closed
   */
  public synchronized Future<Void> close() {
    if (closed == null) {
      closing = true;
      streams.shutdownNow();
      closed = blocking.close();
    }
    return closed;
  }
}
