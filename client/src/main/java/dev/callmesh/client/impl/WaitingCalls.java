package dev.callmesh.client.impl;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * The calls that wait for a connection, in the order they came, at most {@code max} of them; each waits
 * until a connection takes it ({@link #poll()}), its wait ends (it then fails with the error made for it),
 * it is aborted ({@link #remove}), or every waiting call is failed at once ({@link #failAll}). Confined to
 * the link's context.
 */
final class WaitingCalls {

  private final Vertx vertx;
  private final int max;
  private final ArrayDeque<ResilientCall> queue = new ArrayDeque<>();

  WaitingCalls(Vertx vertx, int max) {
    this.vertx = vertx;
    this.max = max;
  }

  /**
   * @param call the call
   * @param waitMs how long it may wait, at least 1
   * @param expired makes the error it fails with when the wait ends, from the time waited
   * @return whether it waits; {@code false} when {@code max} calls wait already
   */
  boolean add(ResilientCall call, long waitMs, Function<Long, CallException> expired) {
    if (queue.size() >= max) {
      return false;
    }
    queue.add(call);
    call.waitFor(vertx.setTimer(waitMs, t -> {
      if (queue.remove(call)) {
        call.cannotSend(expired.apply(waitMs));
      }
    }));
    return true;
  }

  /** @return the call that has waited longest, no longer waiting (its timer is the call's to cancel), or {@code null} */
  ResilientCall poll() {
    return queue.poll();
  }

  /** Forgets a call (it was aborted). */
  void remove(ResilientCall call) {
    queue.remove(call);
  }

  /** Fails every waiting call with {@code e}. */
  void failAll(CallException e) {
    ResilientCall call;
    while ((call = queue.poll()) != null) {
      call.cannotSend(e);
    }
  }

  /** @return how many calls wait */
  int size() {
    return queue.size();
  }
}
