package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;

/**
 * An inbound call passed through to another that is told, once, how it ended, as the wrapped call
 * reports it ({@link InboundCall#endHandler}): the base of the hub's audit line and metrics and of the
 * spoke's call log. Every method is the wrapped call's.
 */
public abstract class ObservedCall implements InboundCall {

  /** The outcome of a call that succeeded, as audit and log lines show it. */
  public static final String OK = "OK";

  /** The call passed through to. */
  protected final InboundCall call;
  private Handler<CallException> endHandler;

  /** @param call the call to pass through to; its end handler is taken by this one */
  protected ObservedCall(InboundCall call) {
    this.call = call;
    call.endHandler(this::end);
  }

  /**
   * Called once, on the connection's context, when the call ends: by a reply or completion, an error, or
   * an early end (the caller's abort, a deadline, a limit, the connection's close).
   *
   * @param error {@code null} when the call succeeded; otherwise the error the caller received (for an
   *     abort, ABORTED with the caller's reason)
   */
  protected abstract void ended(CallException error);

  /**
   * @param error how a call ended, as {@link #ended} hears it
   * @return {@link #OK}, or the code the caller received (a standard {@link dev.callmesh.protocol.ErrorCode}
   *     or an operation's own code)
   */
  public static String outcome(CallException error) {
    return error == null ? OK : error.code();
  }

  private void end(CallException error) {
    ended(error);
    if (endHandler != null) {
      endHandler.handle(error);
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
    call.reply(output);
  }

  @Override
  public void emit(Object output) {
    call.emit(output);
  }

  @Override
  public void complete() {
    call.complete();
  }

  @Override
  public void fail(CallException error) {
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
  public InboundCall abortHandler(Handler<CallException> handler) {
    call.abortHandler(handler);
    return this;
  }

  @Override
  public InboundCall endHandler(Handler<CallException> handler) {
    this.endHandler = handler;
    return this;
  }
}
