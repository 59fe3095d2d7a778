package dev.callmesh.spoke.bash;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** Finds processes by command line, to check that a killed tree left nothing behind. */
final class Processes {

  private Processes() {
  }

  /** @return live processes started at or after {@code since} whose command line is exactly {@code commandLine} */
  static List<ProcessHandle> matching(String commandLine, Instant since) {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().startInstant().map(s -> !s.isBefore(since)).orElse(true))
        .filter(p -> commandLine.equals(commandLine(p)))
        .collect(Collectors.toList());
  }

  /**
   * Polls until no such process is left.
   *
   * @return whether none was left within {@code millis}
   */
  static boolean goneWithin(long millis, Instant since, String... commandLines) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      boolean any = false;
      for (String c : commandLines) {
        any |= !matching(c, since).isEmpty();
      }
      if (!any) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
  }

  /** Polls until each command line has a live process (so a kill test is not vacuous). */
  static boolean presentWithin(long millis, Instant since, String... commandLines) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      boolean all = true;
      for (String c : commandLines) {
        all &= !matching(c, since).isEmpty();
      }
      if (all) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
  }

  private static String commandLine(ProcessHandle p) {
    ProcessHandle.Info info = p.info();
    return info.command().map(cmd -> {
      String name = cmd.substring(cmd.lastIndexOf('/') + 1);
      return name + info.arguments().map(a -> " " + String.join(" ", a)).orElse("");
    }).orElse("");
  }
}
