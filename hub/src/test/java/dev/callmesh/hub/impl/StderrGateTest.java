package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Flushes held during a batch reach the sink once; other threads' flushes go through at once, in order. */
class StderrGateTest {

  /** A sink that counts the writes reaching it (the system calls stderr would make). */
  static final class Sink extends ByteArrayOutputStream {
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      super.write(b, off, len);
    }
  }

  @Test
  void aBatchLeavesInOneWriteAndOtherThreadsFlushAtOnce() throws Exception {
    Sink sink = new Sink();
    StderrGate gate = new StderrGate(sink);
    PrintStream err = new PrintStream(gate, true, StandardCharsets.UTF_8);
    err.print("before\n");
    assertEquals(1, sink.writes.get(), "outside a batch every flush goes through");

    gate.hold(() -> {
      for (int i = 0; i < 100; i++) {
        err.print("audit " + i + "\n"); // autoflush: each asks for a flush, held
      }
      Thread other = new Thread(() -> err.print("other\n"));
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(2, sink.writes.get(), "another thread's line went out at once, with what was before it");
    err.print("after\n");
    assertEquals(3, sink.writes.get());
    String text = sink.toString(StandardCharsets.UTF_8);
    assertEquals(103, text.lines().count());
    assertEquals("before", text.lines().findFirst().orElseThrow());
    assertEquals("after", text.lines().reduce((a, b) -> b).orElseThrow());
    assertEquals("other", text.lines().skip(101).findFirst().orElseThrow(), "in order");
  }

  @Test
  void aHeldBatchIsFlushedWhenAsked() throws IOException {
    Sink sink = new Sink();
    StderrGate gate = new StderrGate(sink);
    PrintStream err = new PrintStream(gate, true, StandardCharsets.UTF_8);
    gate.hold(() -> {
      for (int i = 0; i < 50; i++) {
        err.print("line " + i + "\n");
      }
    });
    assertEquals(0, sink.writes.get(), "held");
    err.flush();
    assertEquals(1, sink.writes.get(), "one write for the batch");
    assertEquals(50, sink.toString(StandardCharsets.UTF_8).lines().count());
  }
}
