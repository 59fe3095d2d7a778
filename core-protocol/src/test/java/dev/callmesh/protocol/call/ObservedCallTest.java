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

/** An observed call hears the end its call reports, once, and passes everything through. */
class ObservedCallTest {

  /** The wrapped call: records what reaches it and reports its first end, as the engine's calls do. */
  private static final class Target implements InboundCall {
    final List<String> got = new ArrayList<>();
    Handler<CallException> abort;
    Handler<CallException> end;
    boolean done;

    void end(CallException error) {
      if (!done) {
        done = true;
        end.handle(error);
      }
    }

    void abortedBy(CallException why) {
      if (!done) {
        end(why);
        abort.handle(why);
      }
    }

    @Override public String id() { return "7"; }
    @Override public String operationId() { return "/fs/stat"; }
    @Override public JsonObject input() { return new JsonObject(); }
    @Override public JsonObject payload() { return new JsonObject(); }
    @Override public void reply(Object output) { got.add("reply " + output); end(null); }
    @Override public void emit(Object output) { got.add("emit " + output); }
    @Override public void complete() { got.add("complete"); end(null); }
    @Override public void fail(CallException error) { got.add("fail " + error.code()); end(error); }
    @Override public boolean isDone() { return done; }
    @Override public boolean writeQueueFull() { return false; }
    @Override public InboundCall drainHandler(Handler<Void> handler) { return this; }
    @Override public InboundCall creditHandler(LongConsumer handler) { return this; }
    @Override public InboundCall abortHandler(Handler<CallException> handler) { abort = handler; return this; }
    @Override public InboundCall endHandler(Handler<CallException> handler) { end = handler; return this; }
  }

  private static ObservedCall observe(Target target, List<String> outcomes) {
    return new ObservedCall(target) {
      @Override
      protected void ended(CallException error) {
        outcomes.add(error == null ? "OK" : error.code());
      }
    };
  }

  @Test
  void theEndTheCallReportsIsHeardOnceAndPassedOn() {
    Target target = new Target();
    List<String> outcomes = new ArrayList<>();
    ObservedCall call = observe(target, outcomes);
    List<String> aborts = new ArrayList<>();
    List<String> ends = new ArrayList<>();
    call.abortHandler(why -> aborts.add(why.getMessage()));
    call.endHandler(why -> ends.add(why.code()));
    call.emit(1);
    call.fail(CallException.of(ErrorCode.TIMEOUT, "late"));
    call.reply(2);
    target.abortedBy(CallException.of(ErrorCode.ABORTED, "gone"));
    assertEquals(List.of("TIMEOUT"), outcomes);
    assertEquals(List.of("TIMEOUT"), ends, "an end handler set on the observed call hears the end too");
    assertEquals(List.of("emit 1", "fail TIMEOUT", "reply 2"), target.got, "everything passes through");
    assertEquals(List.of(), aborts, "the call had ended before the abort");
  }

  @Test
  void anEarlyEndIsHeardWithItsOwnCode() {
    Target target = new Target();
    List<String> outcomes = new ArrayList<>();
    List<String> aborts = new ArrayList<>();
    observe(target, outcomes).abortHandler(why -> aborts.add(why.getMessage()));
    target.abortedBy(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "caller not reading"));
    assertEquals(List.of("RESOURCE_EXHAUSTED"), outcomes);
    assertEquals(List.of("caller not reading"), aborts);
    List<String> completed = new ArrayList<>();
    observe(new Target(), completed).complete();
    assertEquals(List.of("OK"), completed);
  }
}
