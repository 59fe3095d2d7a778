package dev.callmesh.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child process of the benchmark: its stdout is read line by line so a caller can wait for a
 * readiness line; stderr goes to a log file under the work directory.
 */
final class Proc implements AutoCloseable {

  /** Children still running: told to stop when the benchmark's JVM stops (Ctrl-C, kill), so none outlives it. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "stop-children"));
  }

  final String name;
  /** The last readiness line seen, and a port, for the caller's bookkeeping. */
  volatile String lastLine;
  private final Process process;
  private final long startNanos;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private Proc(String name, Process process, long startNanos) {
    this.name = name;
    this.process = process;
    this.startNanos = startNanos;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process went away
      }
    }, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * @param name a short name for logs
   * @param logDir where {@code NAME.log} collects the process's stderr
   * @param command the command line
   * @return the started process
   */
  static Proc start(String name, Path logDir, List<String> command) throws IOException {
    return start(name, logDir, java.util.Map.of(), command);
  }

  /**
   * @param env variables added to the inherited environment
   * @return the started process
   */
  static Proc start(String name, Path logDir, java.util.Map<String, String> env, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
    long t0 = System.nanoTime();
    Process process = pb.start();
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    return new Proc(name, process, t0);
  }

  /** @return {@code java} plus the given arguments */
  static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Waits for a stdout line.
   *
   * @return the first line that matches
   * @throws TimeoutException when none came in time or the process ended
   */
  String awaitLine(Predicate<String> match, long timeoutMs) throws InterruptedException, TimeoutException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      String line = left <= 0 ? null : lines.poll(Math.min(left, 200), TimeUnit.MILLISECONDS);
      if (line != null) {
        if (match.test(line)) {
          return line;
        }
        continue;
      }
      if (!process.isAlive() && lines.isEmpty()) {
        throw new TimeoutException(name + " exited with " + process.exitValue() + " before it was ready (see its .log)");
      }
      if (left <= 0) {
        throw new TimeoutException(name + " not ready after " + timeoutMs + " ms (see its .log)");
      }
    }
  }

  /** @return nanoseconds since the process was started */
  long sinceStartNanos() {
    return System.nanoTime() - startNanos;
  }

  /** @return whether the process still runs */
  boolean alive() {
    return process.isAlive();
  }

  /** @return the process id */
  long pid() {
    return process.pid();
  }

  /** @return the resident set size from /proc/PID/status, in MiB */
  double rssMib() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  /**
   * Runs {@code jcmd PID GC.run}, then {@code GC.heap_info}.
   *
   * @return the used heap after a full GC, in MiB
   */
  double heapAfterGcMib() throws IOException, InterruptedException {
    run("jcmd", Long.toString(pid()), "GC.run");
    String info = run("jcmd", Long.toString(pid()), "GC.heap_info");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IOException("cannot read heap_info of " + name + ": " + info);
    }
    return Long.parseLong(m.group(1)) / 1024.0;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Stops the process: TERM, then KILL after 5 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
