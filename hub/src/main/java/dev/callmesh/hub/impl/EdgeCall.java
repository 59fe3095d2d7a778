package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;

/**
 * A call that enters the hub at one of its edges other than a connection (an HTTP request, a JSON-RPC
 * message, a batch's member, a job's request, a gathered call): what each keeps alike. Its id and payload,
 * the handlers the router sets (abort, end, credit), and its end, which happens once: the {@code onEnd} hook,
 * then the end handler with the outcome. Subclasses answer the call where it came from. Each is used on one
 * context: the fields are plain.
 */
public abstract class EdgeCall implements InboundCall {

  private final String id;
  private final JsonObject payload;
  private final Runnable onEnd;
  private boolean done;
  private Handler<CallException> abortHandler;
  private Handler<CallException> endHandler;
  private LongConsumer creditHandler;

  /**
   * @param id its id, which the audit line shows
   * @param payload the call's {@code call.requested} payload
   * @param onEnd run once when it ends, however it ends
   */
  protected EdgeCall(String id, JsonObject payload, Runnable onEnd) {
    this.id = id;
    this.payload = payload;
    this.onEnd = onEnd;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String operationId() {
    return payload.getString("operationId");
  }

  /** @return the input, {@code {}} when the payload has none */
  @Override
  public JsonObject input() {
    JsonObject input = payload.getJsonObject("input");
    return input == null ? new JsonObject() : input;
  }

  @Override
  public JsonObject payload() {
    return payload;
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public InboundCall abortHandler(Handler<CallException> handler) {
    this.abortHandler = handler;
    return this;
  }

  @Override
  public InboundCall endHandler(Handler<CallException> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public InboundCall creditHandler(LongConsumer handler) {
    this.creditHandler = handler;
    return this;
  }

  /**
   * Ends the call, unless it has ended: runs {@code onEnd}, then the end handler.
   *
   * @param outcome {@code null} for a success, else the error it ended with
   * @return whether this ended it
   */
  protected boolean end(CallException outcome) {
    if (done) {
      return false;
    }
    done = true;
    onEnd.run();
    if (endHandler != null) {
      endHandler.handle(outcome);
    }
    return true;
  }

  /** Asks the call's handler to stop (once routed, the call it made along its route is aborted). */
  protected void abortUpstream(CallException why) {
    if (abortHandler != null) {
      abortHandler.handle(why);
    }
  }

  /** Ends the call from this side (the client went away, or cancelled) and aborts it upstream. */
  protected void endAndAbort(CallException why) {
    if (end(why)) {
      abortUpstream(why);
    }
  }

  /** Lets the handler send {@code n} more outputs, while the call runs. */
  protected void credit(long n) {
    if (!done && creditHandler != null) {
      creditHandler.accept(n);
    }
  }
}
