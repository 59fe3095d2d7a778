package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.Deadlines;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.impl.EnvelopeWriter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A call the peer made to us; ends once, by us or by the peer. State is confined to the connection's
 * context; the methods a handler may call from elsewhere hop there first. Its deadlines wait in the
 * engine's {@link Deadlines} lanes, like those of the calls we make.
 * <p>
 * Flow control: with a {@code window}, at most that many outputs beyond those credited are sent; the
 * rest are held (a bounded number) until {@code call.credit} arrives. Without one, an output stream
 * whose bytes pile up unsent (the caller does not read) past a limit fails with RESOURCE_EXHAUSTED. Either
 * way a producer on another thread is told the queue is full while {@link
 * CallEngineOptions#MAX_OUTPUTS_ON_THE_WAY} of its outputs have yet to reach the context.
 */
final class InboundCallImpl implements InboundCall {

  private final CallEngineImpl engine;
  private final String id;
  private final String operationId;
  private final CallRequest request;
  private final ArrayDeque<Buffer> held = new ArrayDeque<>();
  final Deadlines.Node<InboundCallImpl> deadlineNode = new Deadlines.Node<>(this);
  final Deadlines.Node<InboundCallImpl> idleNode = new Deadlines.Node<>(this);
  /** Written on the context; read by producers on other threads too ({@link #writeQueueFull}). */
  private volatile long credit;
  /**
   * Outputs emitted on other threads that have not reached the context yet: a producer counts them against
   * the credit, which only the context spends, or a busy context would let it run past the window.
   */
  private final AtomicLong emitsOnTheWay = new AtomicLong();
  private long unflushed;
  private boolean done;
  private boolean completeWhenFlushed;
  private Handler<CallException> abortHandler;
  private Handler<CallException> endHandler;
  private Handler<Void> drainHandler;
  private LongConsumer creditHandler;
  private long idleTimeoutMs;

  InboundCallImpl(CallEngineImpl engine, String id, String operationId, CallRequest request) {
    this.engine = engine;
    this.id = id;
    this.operationId = operationId;
    this.request = request;
    Number window = request.window();
    this.credit = window != null && window.longValue() >= 0 ? window.longValue() : Long.MAX_VALUE;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String operationId() {
    return operationId;
  }

  @Override
  public JsonObject input() {
    JsonObject input = request.payload().getJsonObject("input");
    return input == null ? new JsonObject() : input;
  }

  @Override
  public JsonObject payload() {
    return request.payload();
  }

  @Override
  public CallRequest request() {
    return request;
  }

  @Override
  public void reply(Object output) {
    engine.onContext(() -> end(null, () -> send(output(output), false)));
  }

  @Override
  public void emit(Object output) {
    if (engine.onItsContext()) {
      emitHere(output);
      return;
    }
    emitsOnTheWay.incrementAndGet();
    engine.onContext(() -> {
      try {
        emitHere(output);
      } finally {
        // after the credit is spent, so a producer never sees too much
        if (emitsOnTheWay.decrementAndGet() == CallEngineOptions.MAX_OUTPUTS_ON_THE_WAY - 1) {
          drained(); // a producer held back by its outputs on the way may go on
        }
      }
    });
  }

  private void emitHere(Object output) {
    if (done) {
      return;
    }
    touch();
    Buffer json = output(output);
    if (credit > 0 && held.isEmpty()) {
      spendCredit();
      send(json, true);
    } else if (held.size() >= engine.options().getMaxHeldOutputs()) {
      terminate(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the caller has not credited more outputs of "
          + operationId + " and " + held.size() + " are waiting; read faster or raise the window"), "held outputs overflowed");
    } else {
      held.add(json);
    }
  }

  @Override
  public void complete() {
    engine.onContext(() -> {
      if (done) {
        return;
      }
      if (held.isEmpty()) {
        end(null, () -> engine.send(EventTypes.CALL_COMPLETED, id, new JsonObject()));
      } else {
        completeWhenFlushed = true;
      }
    });
  }

  @Override
  public void fail(CallException error) {
    engine.onContext(() -> end(error, () -> engine.send(EventTypes.CALL_ERROR, id, error.toPayload())));
  }

  @Override
  public boolean writeQueueFull() {
    long onTheWay = emitsOnTheWay.get();
    return onTheWay >= CallEngineOptions.MAX_OUTPUTS_ON_THE_WAY || credit - onTheWay <= 0
        || engine.transport().writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
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

  /** A {@code call.credit} from the caller: send what was held, then let the producer go on. */
  void addCredit(long n) {
    if (done || n <= 0) {
      return;
    }
    touch();
    credit = credit > Long.MAX_VALUE - n ? Long.MAX_VALUE : credit + n;
    if (creditHandler != null) {
      Guard.run("credit handler", operationId, () -> creditHandler.accept(n));
    }
    while (credit > 0 && !held.isEmpty()) {
      spendCredit();
      send(held.poll(), true);
    }
    if (held.isEmpty() && completeWhenFlushed) {
      end(null, () -> engine.send(EventTypes.CALL_COMPLETED, id, new JsonObject()));
      return;
    }
    drained();
  }

  /** Queues the deadlines of {@code timeoutMs} and {@code idleTimeoutMs}, if the request has them. */
  void startDeadlines() {
    Number timeout = request.timeoutMs();
    if (timeout != null && timeout.longValue() > 0) {
      engine.deadlines().schedule(deadlineNode, timeout.longValue());
    }
    Number idle = request.idleTimeoutMs();
    if (idle != null && idle.longValue() > 0) {
      idleTimeoutMs = idle.longValue();
      touch();
    }
  }

  /** Its {@code timeoutMs} passed: answer TIMEOUT and stop the handler. */
  void deadlinePassed() {
    terminate(CallException.of(ErrorCode.TIMEOUT, operationId + " did not finish within its timeoutMs of "
        + request.timeoutMs() + " ms; it was stopped"), "timeout");
  }

  /** Its {@code idleTimeoutMs} passed without an event: answer TIMEOUT and stop the handler. */
  void idlePassed() {
    terminate(CallException.of(ErrorCode.TIMEOUT, operationId + " passed no event for " + idleTimeoutMs
        + " ms (its idleTimeoutMs); it was stopped"), "idle timeout");
  }

  /** Restarts the idle timeout: an output or a credit passed. */
  private void touch() {
    if (idleTimeoutMs > 0 && !done) {
      engine.idleDeadlines().schedule(idleNode, idleTimeoutMs);
    }
  }

  /** The connection can take more bytes, or credit arrived: wake the producer if it waits. */
  void drained() {
    if (!done && drainHandler != null && !writeQueueFull()) {
      Guard.run("drain handler", operationId, () -> drainHandler.handle(null));
    }
  }

  /** The peer aborted the call: end it without answering. */
  void abortFromPeer(String reason) {
    endEarly(CallException.of(ErrorCode.ABORTED, reason), reason, false);
  }

  /** The connection closed: end the call; nobody is left to answer. */
  void connectionClosed() {
    endEarly(CallException.of(ErrorCode.UNAVAILABLE, "the connection closed"), "the connection closed", false);
  }

  /** We end the call (deadline, limit): answer the caller with the error, and stop the handler. */
  void terminate(CallException error, String reason) {
    endEarly(error, reason, true);
  }

  private void endEarly(CallException error, String reason, boolean answer) {
    if (!end(error, answer ? () -> engine.send(EventTypes.CALL_ERROR, id, error.toPayload()) : null)) {
      return;
    }
    engine.abortChildrenOf(id, reason);
    if (abortHandler != null) {
      CallException why = new CallException(error.code(), reason, error.retryable(), null);
      Guard.run("abort handler", operationId, () -> abortHandler.handle(why));
    }
  }

  /**
   * Ends the call once: the answer (if any) is sent first, so the caller does not wait for the end handler
   * (the hub's audit line and metrics).
   */
  private boolean end(CallException outcome, Runnable answer) {
    if (done) {
      return false;
    }
    done = true;
    held.clear();
    engine.ended(this);
    if (answer != null) {
      answer.run();
    }
    if (endHandler != null) {
      Guard.run("end handler", operationId, () -> endHandler.handle(outcome));
    }
    return true;
  }

  private void spendCredit() {
    if (credit != Long.MAX_VALUE) {
      credit--;
    }
  }

  private Buffer output(Object output) {
    return EnvelopeWriter.output(EventTypes.CALL_RESPONDED, id, output);
  }

  private void send(Buffer json, boolean stream) {
    long size = json.length();
    if (stream && unflushed + size > engine.options().getMaxUnflushedBytes()) {
      terminate(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the caller is not reading the outputs of "
          + operationId + " (" + unflushed + " bytes wait to be sent); the call was stopped"), "the caller is not reading");
      return;
    }
    unflushed += size;
    engine.transport().sendJson(json).onComplete(ar -> {
      unflushed -= size;
      if (ar.failed()) {
        CallException ce = ar.cause() instanceof CallException c ? c
            : CallException.of(ErrorCode.INTERNAL, "could not send an output: " + ar.cause().getMessage());
        if (!done) {
          terminate(ce, ce.getMessage());
        } else if (!stream) {
          // A reply too large for a frame: the call has ended, but the caller must still hear why.
          engine.send(EventTypes.CALL_ERROR, id, ce.toPayload());
        }
      }
    });
  }
}
