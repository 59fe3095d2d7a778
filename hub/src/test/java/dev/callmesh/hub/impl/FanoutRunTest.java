package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OutputSink;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fan-out's run against fake spokes (each leg a function the test answers when it likes) and a fake
 * stream: the bound on calls open at once, measured at the legs; abort; the empty fan-out; a slow reader.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FanoutRunTest {

  Vertx vertx;
  Context context;
  ExecutorService other;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    other = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() {
    other.shutdownNow();
    vertx.close().await();
  }

  /** A stream that records what it is sent; {@link #full} stands for a caller that reads slowly. */
  static final class Sink implements OutputSink {
    final List<Object> entries = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile boolean full;
    volatile boolean completed;
    Handler<Void> drain;

    @Override
    public void emit(Object output) {
      assertFalse(completed, "nothing is sent after the end");
      entries.add(output);
    }

    @Override
    public void complete() {
      assertFalse(completed, "one end");
      completed = true;
    }

    @Override
    public void fail(Throwable error) {
      throw new AssertionError("the run never fails its stream", error);
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public OutputSink drainHandler(Handler<Void> handler) {
      drain = handler;
      return this;
    }

    @Override
    public boolean isEnded() {
      return completed;
    }
  }

  /** Fake spokes: records how many legs are open at once, and holds each leg's way to answer. */
  static final class Spokes implements FanoutRun.Legs {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final Map<String, Consumer<Object>> answers = new ConcurrentHashMap<>();
    final Map<String, String> aborted = new ConcurrentHashMap<>();
    Consumer<String> onStart = spoke -> { };

    @Override
    public Consumer<String> start(String spoke, Consumer<Object> done) {
      started.incrementAndGet();
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      answers.put(spoke, entry -> {
        if (answers.remove(spoke) != null) {
          open.decrementAndGet();
          done.accept(entry);
        }
      });
      onStart.accept(spoke);
      return reason -> {
        if (answers.remove(spoke) != null) {
          open.decrementAndGet();
          aborted.put(spoke, reason);
        }
      };
    }

    void answer(String spoke) {
      Consumer<Object> a = answers.get(spoke);
      if (a != null) {
        a.accept(new JsonObject().put("spoke", spoke).put("output", 1));
      }
    }
  }

  private static List<String> names(int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("s%04d", i)).toList();
  }

  private FanoutRun run(List<String> spokes, int concurrency, Spokes legs, Sink sink) {
    FanoutRun run = new FanoutRun(spokes, concurrency, legs, sink, context);
    context.runOnContext(v -> run.start());
    return run;
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void neverMoreThanConcurrencyCallsAreOpenAndEverySpokeAnswersOnce() throws Exception {
    // GIVEN 500 spokes that answer after random delays, half of them from a thread outside the run's context
    Spokes legs = new Spokes();
    Random random = new Random(3);
    legs.onStart = spoke -> {
      int delay = 1 + random.nextInt(4);
      if (random.nextBoolean()) {
        vertx.setTimer(delay, t -> legs.answer(spoke));
      } else {
        other.execute(() -> {
          try {
            Thread.sleep(delay);
          } catch (InterruptedException e) {
            return;
          }
          legs.answer(spoke);
        });
      }
    };
    Sink sink = new Sink();
    // WHEN they are fanned out to with concurrency 7
    run(names(500), 7, legs, sink);
    await(() -> sink.completed, "the stream completes");
    // THEN at most 7 were open at any time (and the bound was reached), each spoke gave exactly one entry
    assertEquals(7, legs.maxOpen.get(), "the most calls open at once");
    assertEquals(500, legs.started.get());
    assertEquals(500, sink.entries.size());
    Set<String> spokes = ConcurrentHashMap.newKeySet();
    new ArrayList<>(sink.entries).forEach(e -> spokes.add(((JsonObject) e).getString("spoke")));
    assertEquals(new java.util.HashSet<>(names(500)), spokes);
    assertEquals(0, legs.open.get());
  }

  @Test
  void abortAbortsTheOpenCallsAndStartsNoMore() throws Exception {
    Spokes legs = new Spokes(); // never answer by themselves
    Sink sink = new Sink();
    FanoutRun run = run(names(100), 5, legs, sink);
    await(() -> legs.started.get() == 5, "five calls are open");
    legs.answer("s0000"); // one answers: the next one starts
    await(() -> legs.started.get() == 6, "a sixth call starts");
    run.abort("the caller aborted");
    await(() -> legs.aborted.size() == 5, "the five open calls are aborted");
    Thread.sleep(100);
    assertEquals(6, legs.started.get(), "no call starts after the abort");
    assertEquals(Set.of("the caller aborted"), Set.copyOf(legs.aborted.values()));
    assertEquals(1, sink.entries.size(), "only the entry that came before the abort");
    assertFalse(sink.completed, "an aborted fan-out does not complete");
    List<String> late = new ArrayList<>(legs.answers.keySet());
    assertTrue(late.isEmpty(), "every leg was answered or aborted: " + late);
  }

  @Test
  void aFanoutThatMatchesNothingCompletesWithNoEntries() throws Exception {
    Spokes legs = new Spokes();
    Sink sink = new Sink();
    run(List.of(), 32, legs, sink);
    await(() -> sink.completed, "the stream completes");
    assertEquals(0, legs.started.get());
    assertTrue(sink.entries.isEmpty());
  }

  @Test
  void aSlowReaderHoldsTheFanoutBackAndNothingPilesUp() throws Exception {
    // GIVEN a stream that takes nothing now, and spokes that answer at once
    Spokes legs = new Spokes();
    legs.onStart = spoke -> vertx.setTimer(1, t -> legs.answer(spoke));
    Sink sink = new Sink();
    sink.full = true;
    FanoutRun run = run(names(200), 4, legs, sink);
    // THEN the run starts no call while the stream is full: nothing is held but what it started
    Thread.sleep(200);
    assertEquals(0, legs.started.get(), "no call starts while the reader is behind");
    assertTrue(sink.entries.isEmpty());
    // WHEN the reader catches up, with the stream filling again every few entries
    AtomicInteger emitted = new AtomicInteger();
    context.runOnContext(v -> {
      sink.full = false;
      sink.drain.handle(null);
    });
    await(() -> legs.started.get() > 0, "calls start once the stream drains");
    await(() -> sink.entries.size() >= 20, "entries flow");
    context.runOnContext(v -> sink.full = true);
    Thread.sleep(100);
    int heldAt = legs.started.get() - sink.entries.size();
    emitted.set(sink.entries.size());
    Thread.sleep(100);
    // THEN while it is full again, entries wait in the run within the bound and no more calls start
    int[] held = new int[1];
    context.runOnContext(v -> held[0] = run.held());
    Thread.sleep(50);
    assertTrue(held[0] <= 4, "held " + held[0]);
    assertTrue(heldAt <= 4, "started but not sent: " + heldAt);
    assertEquals(emitted.get(), sink.entries.size(), "nothing is sent while the stream is full");
    context.runOnContext(v -> {
      sink.full = false;
      sink.drain.handle(null);
    });
    await(() -> sink.completed, "the stream completes");
    assertEquals(200, sink.entries.size());
    assertEquals(4, legs.maxOpen.get());
  }

  @Test
  void spokesThatAnswerAtOnceDoNotDeepenTheStack() throws Exception {
    // Legs that fail before start returns (a spoke that does not serve the operation, a rate limit) come back
    // inside the run's loop: 100,000 of them must not recurse.
    Sink sink = new Sink();
    FanoutRun.Legs immediate = (spoke, done) -> {
      done.accept(new JsonObject().put("spoke", spoke).put("error", new JsonObject().put("code", "NOT_FOUND")));
      return reason -> { };
    };
    FanoutRun run = new FanoutRun(names(10_000).stream().flatMap(n -> IntStream.range(0, 10).mapToObj(i -> n + "-" + i))
        .toList(), 1, immediate, sink, context);
    context.runOnContext(v -> run.start());
    await(() -> sink.completed, "the stream completes");
    assertEquals(100_000, sink.entries.size());
  }
}
