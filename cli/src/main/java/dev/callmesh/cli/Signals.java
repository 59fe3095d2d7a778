package dev.callmesh.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes SIGINT and SIGTERM over from the JVM's default (run the shutdown hooks and exit) while a command
 * needs to clean up first, and says which one came, so the command exits as shells report it
 * (128 + the signal's number: 130 for INT, 143 for TERM).
 */
final class Signals implements AutoCloseable {

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private Signals() {
  }

  /**
   * @param action receives the signal's name ({@code SIGINT}, {@code SIGTERM}) and the exit code shells
   *     report for it, on a thread of its own; it should end the process
   * @return the installed handlers; closing it puts the JVM's back
   */
  static Signals onInterrupt(BiConsumer<String, Integer> action) {
    Signals s = new Signals();
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      s.signals.add(signal);
      s.previous.add(Signal.handle(signal, sig -> action.accept("SIG" + sig.getName(), 128 + sig.getNumber())));
    }
    return s;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
