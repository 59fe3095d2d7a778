package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.call.OutboundCall;

/** The handle of a call we made; its id is set once the call has started on the connection's context. */
final class OutboundCallImpl implements OutboundCall {

  private final CallEngineImpl engine;
  volatile String id;
  String abortReason;

  OutboundCallImpl(CallEngineImpl engine) {
    this.engine = engine;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void abort(String reason) {
    engine.abort(this, reason);
  }

  @Override
  public void credit(long n) {
    engine.credit(this, n);
  }
}
