package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;

/**
 * An inbound call passed through to another that is told, once, how it ended: the base of the hub's
 * audit line and metrics and of the spoke's call log. Every method is the wrapped call's.
 */
public abstract class ObservedCall implements InboundCall {

  /** The call passed through to. */
  protected final InboundCall call;
  private boolean ended;

  /** @param call the call to pass through to */
  protected ObservedCall(InboundCall call) {
    this.call = call;
  }

  /**
   * Called once, when the call ends: by a reply or completion, an error, or an abort (the caller's,
   * a deadline, the connection's close). It may run on a handler's thread.
   *
   * @param outcome {@code OK}, the error code, or {@code ABORTED}
   */
  protected abstract void ended(String outcome);

  private synchronized void end(String outcome) {
    if (!ended) {
      ended = true;
      ended(outcome);
    }
  }

  @Override
  public String id() {
    return call.id();
  }

  @Override
  public String operationId() {
    return call.operationId();
  }

  @Override
  public JsonObject input() {
    return call.input();
  }

  @Override
  public JsonObject payload() {
    return call.payload();
  }

  @Override
  public CallRequest request() {
    return call.request();
  }

  @Override
  public void reply(Object output) {
    end("OK");
    call.reply(output);
  }

  @Override
  public void emit(Object output) {
    call.emit(output);
  }

  @Override
  public void complete() {
    end("OK");
    call.complete();
  }

  @Override
  public void fail(CallException error) {
    end(error.code());
    call.fail(error);
  }

  @Override
  public boolean isDone() {
    return call.isDone();
  }

  @Override
  public boolean writeQueueFull() {
    return call.writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    call.drainHandler(handler);
    return this;
  }

  @Override
  public InboundCall creditHandler(LongConsumer handler) {
    call.creditHandler(handler);
    return this;
  }

  @Override
  public InboundCall abortHandler(Handler<String> handler) {
    call.abortHandler(reason -> {
      end("ABORTED");
      handler.handle(reason);
    });
    return this;
  }
}
