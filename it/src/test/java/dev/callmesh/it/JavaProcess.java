package dev.callmesh.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A built jar running as its own process; its stdout and stderr are collected line by line. */
final class JavaProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private JavaProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  /** Starts {@code java -jar JAR ARGS} in the directory, with the extra environment. */
  static JavaProcess start(String name, Path jar, Path dir, java.util.Map<String, String> env, List<String> args)
      throws IOException {
    return start(name, jar, dir, env, List.of(), args);
  }

  /** Starts {@code java JVMARGS -jar JAR ARGS} in the directory, with the extra environment. */
  static JavaProcess start(String name, Path jar, Path dir, java.util.Map<String, String> env, List<String> jvmArgs,
                           List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    return exec(name, dir, env, cmd);
  }

  /** Starts a command that ends up as a JVM (a launcher script that execs java), in the directory. */
  static JavaProcess exec(String name, Path dir, java.util.Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLMESH_"));
    pb.environment().putAll(env);
    return new JavaProcess(name, pb.start());
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void pump(java.io.InputStream in, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, name + "-pump");
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }

  /** @return the first stdout line that matches, waiting up to the timeout; fails with the output if none */
  String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(out, "stdout", match, timeout);
  }

  /** @return the first stderr line (a log line) that matches, waiting up to the timeout; fails with the output if none */
  String awaitErrLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    return await(err, "stderr", match, timeout);
  }

  private String await(List<String> lines, String what, Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (match.test(l)) {
            return l;
          }
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || (!process.isAlive() && lines.stream().noneMatch(match))) {
          throw new AssertionError(name + " did not print the expected line on " + what + " within " + timeout
              + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
              + "\nstdout: " + stdoutLines() + "\nstderr: " + stderr());
        }
        lines.wait(Math.min(left, 200));
      }
    }
  }

  /**
   * Waits for the process to end by itself, and for all its output to be read.
   *
   * @return the exit code
   * @throws AssertionError when it is still running after the timeout
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + "\nstderr: " + stderr());
    }
    for (Thread t : pumps) {
      t.join(2000);
    }
    return process.exitValue();
  }

  /** @return what it printed on stderr so far */
  String stderr() {
    synchronized (err) {
      return String.join("\n", err);
    }
  }

  Process process() {
    return process;
  }

  /** @return the lines printed on stderr so far */
  List<String> stderrLines() {
    synchronized (err) {
      return new ArrayList<>(err);
    }
  }

  /** @return the lines printed on stdout so far */
  List<String> stdoutLines() {
    synchronized (out) {
      return new ArrayList<>(out);
    }
  }

  /** Kills it at once (SIGKILL) and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Sends a signal by name (STOP, CONT, TERM) with {@code kill}. */
  void signal(String sig) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
