package dev.callmesh.it;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM's heap use with {@code jcmd PID GC.heap_info} (the JDK's own tool). */
final class Heap {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private Heap() {
  }

  /**
   * @return the heap in use by the process, in MiB, summed over its generations: what is live and what the
   *     collector has not yet collected
   */
  static long usedMiB(long pid) throws Exception {
    return usedKiB(jcmd(pid, "GC.heap_info")) / 1024;
  }

  /** @return the heap the process still uses after a full collection ({@code GC.run}), in MiB: what is live */
  static long liveMiB(long pid) throws Exception {
    jcmd(pid, "GC.run");
    return usedMiB(pid);
  }

  private static String jcmd(long pid, String command) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("jcmd " + pid + " " + command + " did not end within 60 s");
    }
    return out;
  }

  /** @return the "used" figures of {@code GC.heap_info}'s output summed over the heap's generations, in KiB */
  static long usedKiB(String heapInfo) {
    long kib = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      String name = line.strip();
      if (name.startsWith("Metaspace") || name.startsWith("class space")) {
        continue; // not the heap (and class space is counted in the metaspace's figure)
      }
      Matcher m = USED.matcher(line);
      if (m.find()) {
        found = true;
        kib += Long.parseLong(m.group(1));
      }
    }
    if (!found) {
      throw new AssertionError("jcmd printed no heap figures: " + heapInfo);
    }
    return kib;
  }
}
