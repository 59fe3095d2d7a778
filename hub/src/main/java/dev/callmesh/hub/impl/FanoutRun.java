package dev.callmesh.hub.impl;

import dev.callmesh.operations.OutputSink;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One fan-out running: a queue of spoke names, started one call per name, never more than
 * {@code concurrency} at a time, each spoke's entry sent on the fan-out's stream as it comes, then the
 * stream's end once every call has answered.
 * <p>
 * It holds no more than {@code concurrency} entries: an entry waits here only while the caller's stream is
 * full ({@link OutputSink#writeQueueFull()}), and while entries wait, no new call starts, so a slow reader
 * slows the fan-out instead of filling the hub's memory. A call counts against the bound from its start until
 * its entry is sent.
 * <p>
 * {@link #abort} (the caller aborted the fan-out, or its deadline passed) aborts every call still open and
 * starts no more; nothing more is sent. All of its state lives on one Vert.x context: the entries that
 * arrive on other threads hop there first.
 */
final class FanoutRun {

  /** Starts the call to one spoke. */
  @FunctionalInterface
  interface Legs {
    /**
     * @param spoke the spoke's name
     * @param done told once, from any thread, the spoke's entry ({@code {"spoke","output"}} or
     *     {@code {"spoke","error"}}); not told when the call was aborted through the returned handle
     * @return aborts the call, with a reason for a person; does nothing once it has ended
     */
    Consumer<String> start(String spoke, Consumer<Object> done);
  }

  private final Deque<String> queue;
  private final int concurrency;
  private final Legs legs;
  private final OutputSink sink;
  private final Context context;
  private final Deque<Object> ready = new ArrayDeque<>();
  private final Map<String, Consumer<String>> open = new HashMap<>();
  private int starting;
  private boolean ended;
  private boolean pumping;
  private boolean again;

  /**
   * @param spokes the names to call, in the order to start them
   * @param concurrency the most calls open (or entries waiting) at once, at least 1
   * @param legs starts each call
   * @param sink the fan-out's stream
   * @param context where the state lives: the context of the fan-out's call
   */
  FanoutRun(List<String> spokes, int concurrency, Legs legs, OutputSink sink, Context context) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    this.queue = new ArrayDeque<>(spokes);
    this.concurrency = concurrency;
    this.legs = legs;
    this.sink = sink;
    this.context = context;
  }

  /** Starts the first calls; run it on the run's context. */
  void start() {
    sink.drainHandler(v -> pump());
    pump();
  }

  /**
   * Stops the fan-out: the open calls are aborted, no more start, nothing more is sent. Does nothing once it
   * has ended. May be called from any thread.
   *
   * @param reason why, for a person
   */
  void abort(String reason) {
    onContext(() -> {
      if (ended) {
        return;
      }
      ended = true;
      queue.clear();
      ready.clear();
      Map<String, Consumer<String>> aborting = new HashMap<>(open);
      open.clear();
      aborting.values().forEach(a -> a.accept(reason == null ? "the fan-out was aborted" : reason));
    });
  }

  /** @return calls open now plus entries waiting to be sent (what {@code concurrency} bounds); read it on the context */
  int held() {
    return open.size() + starting + ready.size();
  }

  /** @return whether the stream has ended (completed or aborted); read it on the context */
  boolean ended() {
    return ended;
  }

  private void pump() {
    if (pumping) {
      again = true; // a call answered while this loop was starting calls: the loop goes round once more
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        step();
      } while (again && !ended);
    } finally {
      pumping = false;
    }
  }

  private void step() {
    if (ended) {
      return;
    }
    if (sink.isEnded()) {
      abort("the fan-out's caller went away");
      return;
    }
    while (!ready.isEmpty() && !sink.writeQueueFull()) {
      sink.emit(ready.poll());
    }
    while (!queue.isEmpty() && held() < concurrency && ready.isEmpty() && !sink.writeQueueFull()) {
      String spoke = queue.poll();
      starting++;
      Leg leg = new Leg(spoke);
      Consumer<String> abort = legs.start(spoke, entry -> onContext(() -> leg.done(entry)));
      starting--;
      if (!leg.finished) {
        open.put(spoke, abort);
      }
    }
    if (queue.isEmpty() && held() == 0) {
      ended = true;
      sink.complete();
    }
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  /** One spoke's call, as the run keeps track of it. */
  private final class Leg {
    private final String spoke;
    private boolean finished;

    Leg(String spoke) {
      this.spoke = spoke;
    }

    void done(Object entry) {
      if (finished || ended) {
        return;
      }
      finished = true;
      open.remove(spoke);
      ready.add(entry);
      pump();
    }
  }
}
