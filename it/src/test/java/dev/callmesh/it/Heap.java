package dev.callmesh.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM's heap use with {@code jcmd PID GC.heap_info} (the JDK's own tool). */
final class Heap {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private Heap() {
  }

  /** @return the heap in use by the process, in MiB, summed over its generations */
  static long usedMiB(long pid) throws Exception {
    String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Matcher m = USED.matcher(out);
    long kib = 0;
    boolean found = false;
    while (m.find()) {
      found = true;
      kib += Long.parseLong(m.group(1));
    }
    if (!found) {
      throw new AssertionError("jcmd printed no heap figures: " + out);
    }
    return kib / 1024;
  }
}
