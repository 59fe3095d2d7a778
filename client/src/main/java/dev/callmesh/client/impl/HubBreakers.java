package dev.callmesh.client.impl;

import dev.callmesh.client.ClientEvent;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.FailurePolicy;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Vert.x {@link CircuitBreaker} per hub URL, counting that hub's failures: attempts to connect that did
 * not reach it (see {@link HubConnector#unreachable}), connections lost, and calls it answered
 * {@code UNAVAILABLE}. A refusal (a key the hub does not accept) and every other answer are the hub
 * working, and reset the count, so the breaker opens only after failures in a row (within its rolling
 * window). An open breaker makes {@link #guard} fail at once, until the reset timeout half-opens it;
 * then one attempt decides.
 * <p>
 * A failure is fed to the breaker as a failed {@code execute}, a success as {@code reset()} (only when
 * something was counted since, so the call path stays cheap). Transitions are reported as
 * {@link ClientEvent}s.
 */
final class HubBreakers {

  private final List<HubUrl> urls;
  private final CircuitBreaker[] breakers;
  /** Per hub: nothing counted since the last reset, and closed; a success then needs no reset. */
  private final boolean[] clean;

  /**
   * @param vertx the Vert.x instance whose timers half-open the breakers
   * @param urls the hubs, one breaker each (by index)
   * @param options the breakers' options
   * @param events receives each transition
   */
  HubBreakers(Vertx vertx, List<HubUrl> urls, CircuitBreakerOptions options, Consumer<ClientEvent> events) {
    this.urls = urls;
    this.breakers = new CircuitBreaker[urls.size()];
    this.clean = new boolean[urls.size()];
    FailurePolicy<Object> policy = ar -> ar.failed() && HubConnector.unreachable(ar.cause());
    for (int i = 0; i < breakers.length; i++) {
      HubUrl url = urls.get(i);
      int index = i;
      clean[i] = true;
      breakers[i] = CircuitBreaker.create("callmesh-hub " + url, vertx, options)
          .failurePolicy(policy)
          .openHandler(v -> transition(index, ClientEvent.Kind.BREAKER_OPENED, events))
          .halfOpenHandler(v -> transition(index, ClientEvent.Kind.BREAKER_HALF_OPEN, events))
          .closeHandler(v -> transition(index, ClientEvent.Kind.BREAKER_CLOSED, events));
    }
  }

  private void transition(int index, ClientEvent.Kind kind, Consumer<ClientEvent> events) {
    synchronized (clean) {
      clean[index] = kind == ClientEvent.Kind.BREAKER_CLOSED && breakers[index].failureCount() == 0;
    }
    events.accept(new ClientEvent(kind, urls.get(index), null, null, 0, 0));
  }

  /**
   * Runs an attempt on a hub under its breaker.
   *
   * @param index the hub
   * @param attempt the attempt, e.g. a connection
   * @return the attempt's outcome; or, when the breaker is open, failed at once with {@code UNAVAILABLE}
   *     saying so (see {@link #skipped(Throwable)})
   */
  <T> Future<T> guard(int index, Supplier<Future<T>> attempt) {
    return breakers[index].<T>execute(() -> {
      Future<T> outcome = attempt.get();
      return outcome.onFailure(err -> markDirty(index));
    }).recover(err -> Future.failedFuture(err instanceof OpenCircuitException
        ? new Skipped(urls.get(index)) : err));
  }

  /**
   * @param err a failure of {@link #guard}
   * @return whether the hub was not tried because its breaker is open
   */
  static boolean skipped(Throwable err) {
    return err instanceof Skipped;
  }

  /** Counts a failure of the hub: a lost connection, or a call it answered {@code UNAVAILABLE}. */
  void failure(int index, CallException e) {
    markDirty(index);
    breakers[index].execute(() -> Future.failedFuture(e));
  }

  /** Counts an answer of the hub: the failures in a row start again from 0, a half-open breaker closes. */
  void success(int index) {
    synchronized (clean) {
      if (clean[index]) {
        return;
      }
      clean[index] = true;
    }
    breakers[index].reset();
  }

  private void markDirty(int index) {
    synchronized (clean) {
      clean[index] = false;
    }
  }

  /** @return the state of the hub's breaker */
  CircuitBreakerState state(int index) {
    return breakers[index].state();
  }

  /** Closes every breaker (their timers and metrics). */
  void close() {
    for (CircuitBreaker b : breakers) {
      b.close();
    }
  }

  /** A hub not tried because its breaker is open: reads as unreachable, so the next hub is tried. */
  static final class Skipped extends CallException {
    Skipped(HubUrl url) {
      super(ErrorCode.UNAVAILABLE.wire(), "skipped " + url + ": its circuit breaker is open after failures in a row",
          true, null);
    }
  }
}
