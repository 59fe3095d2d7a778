package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whoever removes an entry owns its outcome: reply, timer or close. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PendingRequestMapTest {

  private static final CallObserver IGNORE = new CallObserver() {
    @Override
    public void onResponded(Object output) {
    }

    @Override
    public void onCompleted() {
    }

    @Override
    public void onError(CallException error) {
    }
  };

  @Test
  void timerRemovesTheEntryAndReportsIt(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> {
      PendingRequestMap[] map = new PendingRequestMap[1];
      map[0] = new PendingRequestMap(vertx, call -> tc.verify(() -> {
        assertEquals("a", call.id());
        assertEquals(0, map[0].size());
        tc.completeNow();
      }));
      map[0].add(new PendingCall("a", "/x", false, IGNORE), 50);
      assertEquals(1, map[0].size());
    });
  }

  @Test
  void removeCancelsTheTimer(Vertx vertx, VertxTestContext tc) {
    AtomicInteger fired = new AtomicInteger();
    vertx.runOnContext(v -> {
      PendingRequestMap map = new PendingRequestMap(vertx, call -> fired.incrementAndGet());
      PendingCall c = new PendingCall("a", "/x", false, IGNORE);
      map.add(c, 30);
      assertSame(c, map.remove("a"));
      assertNull(map.remove("a"));
      vertx.setTimer(100, t -> tc.verify(() -> {
        assertEquals(0, fired.get());
        assertEquals(0, map.size());
        tc.completeNow();
      }));
    });
  }

  @Test
  void removeAllEmptiesAndDuplicateIdsAreRefused(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> tc.verify(() -> {
      PendingRequestMap map = new PendingRequestMap(vertx, call -> tc.failNow("no timer should fire"));
      map.add(new PendingCall("a", "/x", false, IGNORE), 20);
      map.add(new PendingCall("b", "/x", true, IGNORE), 0);
      assertThrows(IllegalStateException.class, () -> map.add(new PendingCall("a", "/y", false, IGNORE), 0));
      assertEquals(2, map.removeAll().size());
      assertEquals(0, map.size());
      map.countOrphan();
      assertEquals(1, map.orphans());
      vertx.setTimer(80, t -> tc.completeNow());
    }));
  }
}
