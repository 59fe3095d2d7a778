package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** An observed call hears its end once, whatever ends it, and passes everything through. */
class ObservedCallTest {

  /** The wrapped call: records what reaches it, and lets the test abort it. */
  private static final class Target implements InboundCall {
    final List<String> got = new ArrayList<>();
    Handler<String> abort;

    @Override public String id() { return "7"; }
    @Override public String operationId() { return "/fs/stat"; }
    @Override public JsonObject input() { return new JsonObject(); }
    @Override public JsonObject payload() { return new JsonObject(); }
    @Override public void reply(Object output) { got.add("reply " + output); }
    @Override public void emit(Object output) { got.add("emit " + output); }
    @Override public void complete() { got.add("complete"); }
    @Override public void fail(CallException error) { got.add("fail " + error.code()); }
    @Override public boolean isDone() { return false; }
    @Override public boolean writeQueueFull() { return false; }
    @Override public InboundCall drainHandler(Handler<Void> handler) { return this; }
    @Override public InboundCall creditHandler(LongConsumer handler) { return this; }
    @Override public InboundCall abortHandler(Handler<String> handler) { abort = handler; return this; }
  }

  private static ObservedCall observe(Target target, List<String> outcomes) {
    return new ObservedCall(target) {
      @Override
      protected void ended(String outcome) {
        outcomes.add(outcome);
      }
    };
  }

  @Test
  void theFirstEndIsTheOneHeard() {
    Target target = new Target();
    List<String> outcomes = new ArrayList<>();
    ObservedCall call = observe(target, outcomes);
    List<String> aborts = new ArrayList<>();
    call.abortHandler(aborts::add);
    call.emit(1);
    call.fail(CallException.of(ErrorCode.TIMEOUT, "late"));
    call.reply(2);
    target.abort.handle("gone");
    assertEquals(List.of("TIMEOUT"), outcomes);
    assertEquals(List.of("emit 1", "fail TIMEOUT", "reply 2"), target.got, "everything passes through");
    assertEquals(List.of("gone"), aborts);
  }

  @Test
  void anAbortIsAnOutcome() {
    Target target = new Target();
    List<String> outcomes = new ArrayList<>();
    observe(target, outcomes).abortHandler(reason -> { });
    target.abort.handle("caller left");
    assertEquals(List.of("ABORTED"), outcomes);
    List<String> completed = new ArrayList<>();
    observe(new Target(), completed).complete();
    assertEquals(List.of("OK"), completed);
  }
}
