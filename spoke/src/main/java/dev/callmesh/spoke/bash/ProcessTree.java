package dev.callmesh.spoke.bash;

import dev.callmesh.spoke.work.SpokeWorkers;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A {@code bash -c} process and everything it starts, killable as a whole.
 * <p>
 * Where {@code setsid} is installed, bash is started through it, so it leads a session and process group
 * of its own whose id is bash's pid: killing the group reaches every child that did not leave it. Since
 * the JVM's child is never a group leader, {@code setsid} execs bash in place (no fork), so the pid, the
 * exit status and the signals are bash's own. Without {@code setsid}, bash shares the spoke's group,
 * which is then never signalled; only bash and its descendants are.
 * <p>
 * {@link #kill()} sends SIGTERM to the group and to every descendant found at that moment, then SIGKILL to
 * the same (and to descendants found since) after {@link #KILL_GRACE_MS} if anything is still alive: the
 * signalling runs on the blocking pool of {@link SpokeWorkers}, the grace is a Vert.x timer. Trees still
 * running when the JVM shuts down are killed the same way by a shutdown hook, on its own thread.
 */
final class ProcessTree {

  /** How long a killed tree has between SIGTERM and SIGKILL. */
  static final long KILL_GRACE_MS = 2000;

  private static final String SETSID = findSetsid();
  private static final Set<ProcessTree> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessTree::killAllNow, "callmesh-bash-shutdown"));
  }

  private final Process process;
  private final SpokeWorkers workers;
  private final boolean ownGroup;
  private final AtomicBoolean killed = new AtomicBoolean();
  private final Set<ProcessHandle> doomed = ConcurrentHashMap.newKeySet();

  private ProcessTree(Process process, SpokeWorkers workers, boolean ownGroup) {
    this.process = process;
    this.workers = workers;
    this.ownGroup = ownGroup;
  }

  /**
   * Starts the command, and feeds its stdin on a stream thread (or closes stdin at once when there is none).
   * Blocking: call it off the event loop.
   *
   * @param request what to run
   * @param workers where stdin is fed and the tree is signalled
   * @return the running tree
   * @throws IOException when bash cannot be started
   * @throws dev.callmesh.protocol.CallException RESOURCE_EXHAUSTED when no stream thread is free for the
   *     stdin (the command is killed then)
   */
  static ProcessTree start(BashRequest request, SpokeWorkers workers) throws IOException {
    return start(request, workers, SETSID);
  }

  /**
   * As {@link #start(BashRequest, SpokeWorkers)}, choosing the {@code setsid} to use.
   *
   * @param setsid the path of {@code setsid}, or {@code null} to start bash in the spoke's own group
   */
  static ProcessTree start(BashRequest request, SpokeWorkers workers, String setsid) throws IOException {
    List<String> argv = new ArrayList<>();
    if (setsid != null) {
      argv.add(setsid);
    }
    argv.add("bash");
    argv.add("-c");
    argv.add(request.command());
    ProcessBuilder builder = new ProcessBuilder(argv).directory(request.cwd().toFile());
    builder.environment().clear();
    builder.environment().putAll(request.env());
    ProcessTree tree = new ProcessTree(builder.start(), workers, setsid != null);
    LIVE.add(tree);
    tree.process.onExit().thenRun(() -> {
      if (!tree.killed.get()) {
        LIVE.remove(tree);
      }
    });
    try {
      tree.feedStdin(request.stdin());
    } catch (RuntimeException e) {
      tree.kill();
      throw e;
    }
    return tree;
  }

  /** @return the path of the {@code setsid} found on the PATH at startup, or {@code null} when there is none */
  static String setsid() {
    return SETSID;
  }

  /** @return the bash process */
  Process process() {
    return process;
  }

  /**
   * Kills the whole tree: SIGTERM now, SIGKILL after {@link #KILL_GRACE_MS} to whatever is still alive.
   * Returns at once (the signals are sent from the blocking pool); only the first call has an effect.
   */
  void kill() {
    if (!killed.compareAndSet(false, true)) {
      return;
    }
    // signalling scans /proc and runs kill: never on the caller's thread, which may be an event loop
    try {
      workers.blocking(() -> {
        terminate();
        return null;
      }).onComplete(v -> workers.vertx().setTimer(KILL_GRACE_MS, t -> offLoop(this::forceKill)));
    } catch (RejectedExecutionException closed) {
      // the spoke's pools are closed: killAll(workers) ran when it closed, the shutdown hook runs at exit
    }
  }

  private void offLoop(Runnable step) {
    try {
      workers.blocking(() -> {
        step.run();
        return null;
      });
    } catch (RejectedExecutionException closed) {
      // as in kill()
    }
  }

  private void terminate() {
    process.descendants().forEach(doomed::add);
    signalGroup("TERM");
    process.destroy();
    doomed.forEach(ProcessHandle::destroy);
  }

  private void forceKill() {
    try {
      if (process.isAlive()) {
        process.descendants().forEach(doomed::add);
      }
      if (!process.isAlive() && doomed.stream().noneMatch(ProcessHandle::isAlive)) {
        return;
      }
      signalGroup("KILL");
      process.destroyForcibly();
      doomed.forEach(ProcessHandle::destroyForcibly);
    } finally {
      LIVE.remove(this);
    }
  }

  /** Signals bash's process group, when it has one of its own (never the spoke's). */
  private void signalGroup(String signal) {
    if (!ownGroup) {
      return;
    }
    try {
      // bash's builtin kill: bash is installed wherever commands can run at all
      Process k = new ProcessBuilder("bash", "-c", "kill -s " + signal + " -- -" + process.pid() + " 2>/dev/null")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      k.getOutputStream().close();
      k.waitFor(2, TimeUnit.SECONDS);
    } catch (IOException e) {
      // nothing more to do: the descendants are still signalled one by one
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void feedStdin(String stdin) {
    OutputStream out = process.getOutputStream();
    if (stdin == null || stdin.isEmpty()) {
      closeQuietly(out);
      return;
    }
    workers.stream("callmesh-bash-stdin-" + process.pid(), () -> {
      try (out) {
        out.write(stdin.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the command exited or closed its stdin without reading everything: that is its choice
      }
    });
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Kills every live tree, waiting out the grace period once for all of them (shutdown hook). */
  static void killAllNow() {
    killAllNow(tree -> true);
  }

  /**
   * Kills every live tree started with these workers, as {@link #killAllNow()} does: blocks up to
   * {@link #KILL_GRACE_MS}.
   *
   * @param owner the workers the trees were started with
   */
  static void killAllNow(SpokeWorkers owner) {
    killAllNow(tree -> tree.workers == owner);
  }

  private static void killAllNow(Predicate<ProcessTree> which) {
    Set<ProcessTree> trees = new LinkedHashSet<>();
    LIVE.stream().filter(which).forEach(trees::add);
    if (trees.isEmpty()) {
      return;
    }
    for (ProcessTree tree : trees) {
      tree.killed.set(true);
      tree.terminate();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_GRACE_MS);
    for (ProcessTree tree : trees) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          tree.process.waitFor(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    trees.forEach(ProcessTree::forceKill);
  }

  private static String findSetsid() {
    String path = System.getenv("PATH");
    if (path == null) {
      path = "/usr/bin:/bin";
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "setsid");
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }
}
