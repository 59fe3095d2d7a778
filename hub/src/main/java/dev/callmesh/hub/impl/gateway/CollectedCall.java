package dev.callmesh.hub.impl.gateway;

import dev.callmesh.hub.impl.EdgeCall;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A call made for an HTTP endpoint whose outputs are gathered in memory instead of being written to a
 * connection. {@link #result()} completes with the one output of a query or mutation, or with every output of
 * a subscription once it has completed; a subscription's outputs may add up to at most {@code maxStreamBytes}
 * of JSON, past which the call is aborted and the result fails RESOURCE_EXHAUSTED. Each output of a
 * subscription can also be shown to a listener as it comes; the call asks its handler for a window of
 * {@link #WINDOW} outputs and credits one each time the listener is done with one, so a slow listener holds
 * the spoke back instead of filling the hub's memory. Every event is handled on the context the call was
 * made on; {@link #abort} ends it early (the client went away, or cancelled).
 */
public final class CollectedCall extends EdgeCall {

  /** The window a collected subscription asks its handler for. */
  public static final int WINDOW = 64;

  /**
   * What a call produced.
   *
   * @param outputs its outputs, decoded: one for a query or mutation ({@code null} when it completed without
   *     one), each of a subscription in order
   * @param bytes the size of the outputs as JSON
   */
  public record Outputs(List<Object> outputs, long bytes) {
  }

  private final Context context;
  private final long maxStreamBytes;
  private final Function<Object, Future<?>> listener;
  private final Promise<Outputs> result = Promise.promise();
  private final List<Object> outputs = new ArrayList<>();
  private long bytes;

  /**
   * Must be made on the context its events are to be handled on.
   *
   * @param id the request id, for audit lines
   * @param payload the {@code call.requested} payload: {@code operationId}, {@code input}, maybe {@code timeoutMs}
   * @param stream whether the operation is a subscription (the request then asks for a window)
   * @param maxStreamBytes the most JSON a subscription's outputs may add up to
   * @param listener shown each output of a subscription as it comes, or {@code null}; the window moves on when
   *     its future completes
   * @param onEnd run once when the call ends, however it ends
   */
  public CollectedCall(String id, JsonObject payload, boolean stream, long maxStreamBytes,
                       Function<Object, Future<?>> listener, Runnable onEnd) {
    super(id, payload, onEnd);
    this.context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("a collected call must be made on a Vert.x context");
    }
    this.maxStreamBytes = maxStreamBytes;
    this.listener = listener;
    if (stream) {
      payload.put("window", WINDOW);
    }
  }

  /** @return a future of what the call produced, failed with the call's error */
  public Future<Outputs> result() {
    return result.future();
  }

  /**
   * Ends the call before its handler did: it is aborted upstream, and the result fails with the reason.
   *
   * @param why the reason; its code is what the audit line shows
   */
  public void abort(CallException why) {
    on(() -> endAndAbort(why));
  }

  @Override
  public void reply(Object output) {
    on(() -> {
      if (!isDone()) {
        Object value = decode(output);
        outputs.add(value);
        bytes += size(output);
        if (end(null)) {
          result.complete(new Outputs(Collections.unmodifiableList(new ArrayList<>(outputs)), bytes));
        }
      }
    });
  }

  @Override
  public void emit(Object output) {
    on(() -> {
      if (isDone()) {
        return;
      }
      bytes += size(output);
      if (bytes > maxStreamBytes) {
        abort(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the outputs of " + operationId() + " passed "
            + maxStreamBytes + " bytes, the most that is collected for one call; narrow the call"));
        return;
      }
      Object value = decode(output);
      outputs.add(value);
      Future<?> taken = listener == null ? Future.succeededFuture() : listener.apply(value);
      taken.onComplete(ar -> credit(1));
    });
  }

  @Override
  public void complete() {
    on(() -> {
      if (end(null)) {
        result.complete(new Outputs(Collections.unmodifiableList(new ArrayList<>(outputs)), bytes));
      }
    });
  }

  @Override
  public void fail(CallException error) {
    on(() -> end(error));
  }

  @Override
  public boolean writeQueueFull() {
    return false; // memory, bounded by maxStreamBytes and paced by the window
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    return this;
  }

  /** {@inheritDoc} A failure also fails the result. */
  @Override
  protected boolean end(CallException outcome) {
    if (!super.end(outcome)) {
      return false;
    }
    if (outcome != null) {
      result.tryFail(outcome);
    }
    return true;
  }

  private void on(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private static Object decode(Object output) {
    return output instanceof RawJson raw ? raw.decode() : output;
  }

  private static long size(Object output) {
    return output instanceof RawJson raw ? raw.bytes().length() : Json.encodeToBuffer(output).length();
  }
}
