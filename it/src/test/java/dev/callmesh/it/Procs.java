package dev.callmesh.it;

import java.util.List;

/** Looks for processes on this machine by their command line (Linux /proc through ProcessHandle). */
final class Procs {

  private Procs() {
  }

  /**
   * @param regex matched against whole command lines, such as an optional directory then "sleep 4242"
   * @return the command lines of live processes that match
   */
  static List<String> matching(String regex) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .map(h -> h.info().commandLine().orElse(""))
        .filter(c -> p.matcher(c).matches())
        .toList();
  }

  /** Waits until some process's command line matches, or fails after 10 s. */
  static void awaitPresent(String text) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (matching(text).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no process matching '" + text + "' appeared");
      }
      Thread.sleep(50);
    }
  }

  /** @return how many ms it took until no process matched, or -1 if some still did after the limit */
  static long millisUntilGone(String text, long limitMs) throws InterruptedException {
    long start = System.nanoTime();
    while (!matching(text).isEmpty()) {
      if ((System.nanoTime() - start) / 1_000_000 > limitMs) {
        return -1;
      }
      Thread.sleep(25);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
