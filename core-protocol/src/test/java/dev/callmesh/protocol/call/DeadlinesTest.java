package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deadlines grouped by duration: order, cancel, moves, and no lane left behind. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class DeadlinesTest {

  @Test
  void expiresInOrderAndNotWhatWasCancelled(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      List<String> expired = new ArrayList<>();
      long t0 = System.nanoTime();
      Deadlines<String> d = new Deadlines<>(vertx, expired::add);
      Deadlines.Node<String> a = new Deadlines.Node<>("a");
      Deadlines.Node<String> b = new Deadlines.Node<>("b");
      Deadlines.Node<String> c = new Deadlines.Node<>("c");
      Deadlines.Node<String> late = new Deadlines.Node<>("late");
      d.schedule(a, 100);
      d.schedule(b, 100);
      d.schedule(c, 100);
      d.schedule(late, 300);
      d.cancel(b);
      assertFalse(b.queued());
      assertEquals(2, d.lanes());
      vertx.setTimer(30, t -> d.schedule(a, 100)); // moved behind c
      vertx.setTimer(200, t -> ctx.verify(() -> {
        assertEquals(List.of("c", "a"), expired);
        assertTrue(late.queued());
      }));
      vertx.setTimer(450, t -> ctx.verify(() -> {
        assertEquals(List.of("c", "a", "late"), expired);
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 300, "nothing expires early");
        assertEquals(0, d.lanes(), "empty lanes are dropped with their timers");
        ctx.completeNow();
      }));
    });
  }

  @Test
  void manyDistinctDurationsLeaveNothingBehind(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Deadlines<Integer> d = new Deadlines<>(vertx, x -> ctx.failNow("nothing should expire"));
      for (int i = 0; i < 10_000; i++) {
        Deadlines.Node<Integer> n = new Deadlines.Node<>(i);
        d.schedule(n, 60_000 + i);
        d.cancel(n);
      }
      ctx.verify(() -> assertTrue(d.lanes() <= 8, "at most a few empty lanes wait for their timers: " + d.lanes()));
      ctx.completeNow();
    });
  }

  @Test
  void emptyLanesKeptForTheirTimersGoWhenTheTimersFire(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Deadlines<Integer> d = new Deadlines<>(vertx, x -> ctx.failNow("nothing should expire"));
      for (int i = 0; i < 20; i++) {
        Deadlines.Node<Integer> n = new Deadlines.Node<>(i);
        d.schedule(n, 50 + i);
        d.cancel(n);
      }
      ctx.verify(() -> assertTrue(d.lanes() > 0 && d.lanes() <= 8, "kept: " + d.lanes()));
      vertx.setTimer(400, t -> ctx.verify(() -> {
        assertEquals(0, d.lanes(), "each kept lane went when its timer fired");
        ctx.completeNow();
      }));
    });
  }
}
