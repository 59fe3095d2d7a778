package dev.callmesh.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of processes, user plus system, from {@code /proc/PID/stat}. The kernel reports it in clock
 * ticks ({@code getconf CLK_TCK}, usually 100 a second: 10 ms), so a window must be long enough for a
 * process to use many ticks.
 */
final class ProcCpu {

  /** Microseconds in one clock tick. */
  static final long TICK_US = 1_000_000 / clockTicks();

  private ProcCpu() {
  }

  /**
   * @param pid a process id (this JVM's is {@code ProcessHandle.current().pid()})
   * @return the process's CPU time so far, user plus system, in microseconds (a multiple of {@link #TICK_US})
   */
  static long micros(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ", field 3 (state) is f[0]; utime is field 14, stime field 15
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_US;
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  /** Reads the CPU time of named processes when a measured window opens and when it closes. */
  static final class Meter implements LoadDriver.Window {

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Long> used = new LinkedHashMap<>();

    /** Adds a process, by role ({@code middle}, {@code responder}, {@code caller}); {@code null} is left out. */
    Meter add(String role, Proc proc) {
      return proc == null ? this : add(role, proc.pid());
    }

    /** Adds a process by id. */
    Meter add(String role, long pid) {
      pids.put(role, pid);
      return this;
    }

    @Override
    public void opened() {
      pids.forEach((role, pid) -> used.put(role, -read(pid)));
    }

    @Override
    public void closed() {
      pids.forEach((role, pid) -> used.merge(role, read(pid), Long::sum));
    }

    /** @return the roles and the CPU microseconds each used in the window */
    Map<String, Long> used() {
      return used;
    }

    /**
     * Prints one line, {@code PREFIX CPU per call over N calls:  ROLE X us ...}.
     *
     * @param prefix what the line starts with (the scenario's columns)
     * @param calls the calls completed in the window
     * @return the roles and the CPU microseconds each used per call, in the order they were added
     */
    Map<String, Double> printPerCall(String prefix, long calls) {
      Map<String, Double> perCall = new LinkedHashMap<>();
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%sCPU per call over %,d calls:", prefix, calls));
      used.forEach((role, us) -> {
        perCall.put(role, (double) us / calls);
        line.append(String.format(Locale.ROOT, "  %s %.1f us", role, (double) us / calls));
      });
      System.out.println(line);
      return perCall;
    }

    private static long read(long pid) {
      try {
        return micros(pid);
      } catch (IOException e) {
        return 0; // the process ended: the measurement fails anyway
      }
    }
  }
}
