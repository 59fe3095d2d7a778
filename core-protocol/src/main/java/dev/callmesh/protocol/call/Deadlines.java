package dev.callmesh.protocol.call;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for many entries that share few durations (most calls use the default timeout): entries of
 * one duration expire in the order they were added, so each duration keeps a linked list and one
 * timer for its head, instead of one Vert.x timer per entry. Adding and removing are O(1) and make no
 * garbage beyond the entry's node. A lane that empties keeps its timer until it fires (then goes away if
 * still empty), so calls made one at a time do not each set and cancel a timer; past a few lanes, an empty
 * one goes at once, so odd durations do not pile up timers. Confined to one context. A consumer that
 * throws is logged and does not stop the other entries from expiring.
 *
 * @param <T> what the entries carry
 */
public final class Deadlines<T> {

  /** One entry; a node is in at most one list at a time. */
  public static final class Node<T> {
    final T value;
    private Lane<T> lane;
    private Node<T> prev;
    private Node<T> next;
    private long deadline;

    /** @param value what the entry carries */
    public Node(T value) {
      this.value = value;
    }

    /** @return whether the node waits in a list */
    public boolean queued() {
      return lane != null;
    }
  }

  private static final class Lane<T> {
    final long durationMs;
    Node<T> head;
    Node<T> tail;
    long timerId = -1;

    Lane(long durationMs) {
      this.durationMs = durationMs;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Deadlines.class);
  /** How many lanes may wait empty for their timer. */
  private static final int KEPT_LANES = 8;

  private final Vertx vertx;
  private final Consumer<T> expired;
  private final Map<Long, Lane<T>> lanes = new HashMap<>();

  /**
   * @param vertx for the timers
   * @param expired receives each entry whose deadline passed, already removed
   */
  public Deadlines(Vertx vertx, Consumer<T> expired) {
    this.vertx = vertx;
    this.expired = expired;
  }

  /** Queues the node to expire {@code durationMs} from now (at least 1 ms); a queued node is moved. */
  public void schedule(Node<T> node, long durationMs) {
    cancel(node);
    Lane<T> lane = lanes.computeIfAbsent(Math.max(1, durationMs), Lane::new);
    node.lane = lane;
    node.deadline = System.nanoTime() + lane.durationMs * 1_000_000;
    node.prev = lane.tail;
    if (lane.tail == null) {
      lane.head = node;
    } else {
      lane.tail.next = node;
    }
    lane.tail = node;
    if (lane.timerId < 0) {
      lane.timerId = vertx.setTimer(lane.durationMs, t -> fire(lane));
    }
  }

  /** Takes the node out of its list; nothing happens when it is not queued. */
  public void cancel(Node<T> node) {
    Lane<T> lane = node.lane;
    if (lane == null) {
      return;
    }
    if (node.prev == null) {
      lane.head = node.next;
    } else {
      node.prev.next = node.next;
    }
    if (node.next == null) {
      lane.tail = node.prev;
    } else {
      node.next.prev = node.prev;
    }
    node.prev = node.next = null;
    node.lane = null;
    if (lane.head == null && lanes.size() > KEPT_LANES) {
      drop(lane);
    }
  }

  private void drop(Lane<T> lane) {
    if (lane.timerId >= 0) {
      vertx.cancelTimer(lane.timerId);
      lane.timerId = -1;
    }
    if (lanes.get(lane.durationMs) == lane) {
      lanes.remove(lane.durationMs);
    }
  }

  /** @return how many durations have a lane (entries queued, or a timer still to fire; each has one timer) */
  public int lanes() {
    return lanes.size();
  }

  private void fire(Lane<T> lane) {
    lane.timerId = -1;
    long now = System.nanoTime();
    while (lane.head != null && lane.head.deadline - now <= 0) {
      Node<T> node = lane.head;
      cancel(node);
      try {
        expired.accept(node.value);
      } catch (RuntimeException e) {
        log.warn("a deadline's consumer failed; the other deadlines go on", e);
      }
    }
    if (lanes.get(lane.durationMs) != lane) {
      return; // dropped by a consumer's cancel
    }
    if (lane.head == null) {
      drop(lane); // empty since its last entry went: no timer until the next entry
    } else if (lane.timerId < 0) {
      long waitMs = Math.max(1, (lane.head.deadline - now + 999_999) / 1_000_000);
      lane.timerId = vertx.setTimer(waitMs, t -> fire(lane));
    }
  }
}
