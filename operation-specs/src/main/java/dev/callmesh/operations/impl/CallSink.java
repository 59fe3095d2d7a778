package dev.callmesh.operations.impl;

import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.log.CallLog;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The {@link OutputSink} of one subscription: a thin layer over its {@link InboundCall}. */
final class CallSink implements OutputSink {

  private static final Logger log = LoggerFactory.getLogger(CallSink.class);

  private final InboundCall call;
  private volatile boolean ended;

  CallSink(InboundCall call) {
    this.call = call;
  }

  @Override
  public void emit(Object output) {
    if (!ended) {
      call.emit(output);
    }
  }

  @Override
  public void complete() {
    if (!ended) {
      ended = true;
      call.complete();
    }
  }

  @Override
  public void fail(Throwable error) {
    if (ended) {
      return;
    }
    ended = true;
    if (error instanceof CallException ce) {
      call.fail(ce);
    } else {
      CallLog.log(log, Level.WARN, call, "subscription {} failed on call {}", call.operationId(), call.id(), error);
      call.fail(CallException.of(ErrorCode.INTERNAL, call.operationId() + " failed: " + error));
    }
  }

  @Override
  public boolean writeQueueFull() {
    return call.writeQueueFull();
  }

  @Override
  public OutputSink drainHandler(Handler<Void> handler) {
    call.drainHandler(handler);
    return this;
  }

  @Override
  public boolean isEnded() {
    return ended || call.isDone();
  }

  /** Marks the sink ended because the caller aborted. */
  void aborted() {
    ended = true;
  }
}
