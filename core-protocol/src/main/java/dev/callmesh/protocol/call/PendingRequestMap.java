package dev.callmesh.protocol.call;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The calls a connection has made and not yet seen end, by request id.
 * <p>
 * Whoever removes an entry owns its outcome: the reply that arrives, the timer that fires, or the
 * close that fails them all. Removing cancels the entry's timer. Confined to one context: no locks; only
 * {@link #size()} is published for other threads.
 */
public final class PendingRequestMap {

  private final Consumer<PendingCall> onTimeout;
  private final Map<String, PendingCall> calls = new HashMap<>();
  private final Deadlines<PendingCall> deadlines;
  private final Deadlines<PendingCall> idleDeadlines;
  private long orphans;
  /** {@code calls.size()}, published for readers on other threads (gauges, tests). */
  private volatile int size;

  /**
   * @param vertx for timers
   * @param onTimeout receives an entry whose timer fired, already removed
   */
  public PendingRequestMap(Vertx vertx, Consumer<PendingCall> onTimeout) {
    this.onTimeout = onTimeout;
    this.deadlines = new Deadlines<>(vertx, this::expired);
    this.idleDeadlines = new Deadlines<>(vertx, this::idleExpired);
  }

  /**
   * Adds an entry.
   *
   * @param call the call
   * @param timeoutMs its deadline from now, or 0 or less for none
   * @throws IllegalStateException when the id is already pending
   */
  public void add(PendingCall call, long timeoutMs) {
    add(call, timeoutMs, 0);
  }

  /**
   * Adds an entry with a deadline and an idle timeout.
   *
   * @param call the call
   * @param timeoutMs its deadline from now, or 0 or less for none
   * @param idleTimeoutMs how long it may go without an event ({@link #touch}), or 0 or less for no limit
   * @throws IllegalStateException when the id is already pending
   */
  public void add(PendingCall call, long timeoutMs, long idleTimeoutMs) {
    if (calls.putIfAbsent(call.id(), call) != null) {
      throw new IllegalStateException("request id already pending: " + call.id());
    }
    size = calls.size();
    if (idleTimeoutMs > 0) {
      call.idleTimeoutMs = idleTimeoutMs;
      call.idleNode = new Deadlines.Node<>(call);
      idleDeadlines.schedule(call.idleNode, idleTimeoutMs);
    }
    if (timeoutMs > 0) {
      call.deadlineNode = new Deadlines.Node<>(call);
      deadlines.schedule(call.deadlineNode, timeoutMs);
    }
  }

  /** Restarts the idle timeout of a pending call: an event passed. */
  public void touch(PendingCall call) {
    if (call.idleNode != null && call.idleNode.queued()) {
      idleDeadlines.schedule(call.idleNode, call.idleTimeoutMs);
    }
  }

  private void expired(PendingCall call) {
    if (calls.get(call.id()) == call) {
      remove(call.id());
      onTimeout.accept(call);
    }
  }

  private void idleExpired(PendingCall call) {
    if (calls.get(call.id()) == call) {
      call.idleExpired = true;
      remove(call.id());
      onTimeout.accept(call);
    }
  }

  /** @return the entry for the id, left in place, or {@code null} */
  public PendingCall get(String id) {
    return calls.get(id);
  }

  /** @return whether the id is pending */
  public boolean contains(String id) {
    return calls.containsKey(id);
  }

  /**
   * Removes an entry and cancels its timer.
   *
   * @return the entry, or {@code null} when the id was not pending (the caller now owns it)
   */
  public PendingCall remove(String id) {
    PendingCall call = calls.remove(id);
    if (call != null) {
      size = calls.size();
      cancelTimer(call);
    }
    return call;
  }

  /**
   * Removes every entry and cancels their timers.
   *
   * @return the removed entries, for the caller to fail
   */
  public List<PendingCall> removeAll() {
    List<PendingCall> all = new ArrayList<>(calls.values());
    calls.clear();
    size = 0;
    all.forEach(this::cancelTimer);
    return all;
  }

  /** Counts a reply that matched no pending entry (late, duplicate, or for a call that timed out). */
  public void countOrphan() {
    orphans++;
  }

  /** @return how many replies matched no entry */
  public long orphans() {
    return orphans;
  }

  /** @return how many calls are pending; may be read from any thread (it lags the context by a moment) */
  public int size() {
    return size;
  }

  private void cancelTimer(PendingCall call) {
    if (call.deadlineNode != null) {
      deadlines.cancel(call.deadlineNode);
    }
    if (call.idleNode != null) {
      idleDeadlines.cancel(call.idleNode);
    }
  }
}
