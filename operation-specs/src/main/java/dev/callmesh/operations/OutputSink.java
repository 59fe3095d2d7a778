package dev.callmesh.operations;

import io.vertx.core.Handler;

/**
 * Where a subscription's outputs go. Every method may be called from any thread; outputs are sent in
 * the order they are emitted. After the stream has ended (completed, failed, or aborted by the
 * caller) every call is ignored.
 * <p>
 * Flow control: when {@link #writeQueueFull()} is true the caller cannot take more now (its
 * {@code window} of credit is used up, or the connection is backed up). A producer then stops emitting
 * until its {@link #drainHandler} runs. A producer that ignores this has its outputs held up to a
 * bound, after which the call fails with RESOURCE_EXHAUSTED.
 */
public interface OutputSink {

  /** Sends one output ({@code call.responded}). */
  void emit(Object output);

  /** Ends the stream ({@code call.completed}). */
  void complete();

  /** Ends the stream with an error: a {@link dev.callmesh.protocol.CallException} keeps its code, anything else is INTERNAL. */
  void fail(Throwable error);

  /** @return whether the producer should stop emitting until the drain handler runs */
  boolean writeQueueFull();

  /**
   * @param handler called, on the connection's context, each time the sink can take outputs again
   *     after {@link #writeQueueFull()} was true
   * @return this
   */
  OutputSink drainHandler(Handler<Void> handler);

  /** @return whether the stream has ended */
  boolean isEnded();
}
