package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outcome an {@link ObservedCall} hears (the hub's audit line and metrics) is the code the caller
 * received: TIMEOUT for a deadline, RESOURCE_EXHAUSTED for a limit, ABORTED only for an abort.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallOutcomeTest {

  private static final CallEngineOptions OPTIONS = new CallEngineOptions().setHeartbeatMs(0).setMaxHeldOutputs(4);

  /** Serves every call by observing it and never answering; a {@code /x/flood} call emits 100 outputs. */
  private static CallHandler observing(List<String> outcomes, List<String> heard) {
    return raw -> {
      ObservedCall call = new ObservedCall(raw) {
        @Override
        protected void ended(CallException error) {
          outcomes.add(error == null ? "OK" : error.code());
        }
      };
      call.abortHandler(e -> heard.add(e.getMessage()));
      if (raw.operationId().equals("/x/flood")) {
        for (int i = 0; i < 100; i++) {
          call.emit(i);
        }
      }
    };
  }

  private static void run(Vertx vertx, VertxTestContext tc, JsonObject request, boolean stream, String expected,
                          String clientSaw) {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    List<String> heard = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, OPTIONS);
      CallEngine.create(lb.server(), observing(outcomes, heard), OPTIONS);
      OutboundCall out = client.open(request.put("input", new JsonObject()), stream, new CallObserver() {
        @Override public void onResponded(Object output) { }
        @Override public void onCompleted() { }
        @Override public void onError(CallException error) {
          vertx.setTimer(200, t -> tc.verify(() -> {
            assertEquals(clientSaw, error.code(), "what the caller received");
            assertEquals(List.of(expected), outcomes, "the outcome heard");
            assertEquals(1, heard.size(), "the handler heard the end once");
            tc.completeNow();
          }));
        }
      });
      if (expected.equals("ABORTED")) {
        vertx.setTimer(100, t -> out.abort("changed my mind"));
      }
    })));
  }

  @Test
  void aDeadlineIsHeardAsTimeout(Vertx vertx, VertxTestContext tc) {
    run(vertx, tc, new JsonObject().put("operationId", "/x/hang").put("timeoutMs", 150), false, "TIMEOUT", "TIMEOUT");
  }

  @Test
  void anIdleDeadlineIsHeardAsTimeout(Vertx vertx, VertxTestContext tc) {
    run(vertx, tc, new JsonObject().put("operationId", "/x/hang").put("idleTimeoutMs", 150), true, "TIMEOUT", "TIMEOUT");
  }

  @Test
  void aLimitIsHeardAsResourceExhausted(Vertx vertx, VertxTestContext tc) {
    run(vertx, tc, new JsonObject().put("operationId", "/x/flood").put("window", 1), true, "RESOURCE_EXHAUSTED",
        "RESOURCE_EXHAUSTED");
  }

  @Test
  void anAbortIsHeardAsAborted(Vertx vertx, VertxTestContext tc) {
    run(vertx, tc, new JsonObject().put("operationId", "/x/hang"), true, "ABORTED", "ABORTED");
  }
}
