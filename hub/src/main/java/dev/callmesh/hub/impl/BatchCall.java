package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * One member of a {@code POST /v1/batch}: a call whose answer becomes that member's result,
 * {@code {"output":..}} (a spoke's output as it came, undecoded) or {@code {"error":{..}}}, handed over once.
 * A subscription's first output resolves it, as on {@code /v1/call}; the batch refuses subscriptions before
 * they get here.
 */
final class BatchCall extends EdgeCall {

  private final Consumer<Buffer> result;

  /**
   * @param id its id, which the audit line shows
   * @param payload the call's payload
   * @param result gets the member's result once
   */
  BatchCall(String id, JsonObject payload, Consumer<Buffer> result) {
    super(id, payload, () -> { });
    this.result = result;
  }

  /** @return the result of a call that failed with the error */
  static Buffer error(CallException e) {
    return new JsonObject().put("error", e.toPayload()).toBuffer();
  }

  /** Aborts the call, as when the caller went away. */
  void abort(CallException why) {
    if (end(why, error(why))) {
      abortUpstream(why);
    }
  }

  @Override
  public void reply(Object output) {
    Buffer json = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
    end(null, Buffer.buffer("{\"output\":").appendBuffer(json).appendString("}"));
  }

  @Override
  public void emit(Object output) {
    reply(output);
    abortUpstream(CallException.of(ErrorCode.ABORTED, "a batch member takes only the first output"));
  }

  @Override
  public void complete() {
    end(null, Buffer.buffer("{\"output\":null}"));
  }

  @Override
  public void fail(CallException error) {
    end(error, error(error));
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    return this;
  }

  /** Ends the call, unless it has ended, and hands its result over. */
  private boolean end(CallException outcome, Buffer json) {
    if (!end(outcome)) {
      return false;
    }
    result.accept(json);
    return true;
  }
}
