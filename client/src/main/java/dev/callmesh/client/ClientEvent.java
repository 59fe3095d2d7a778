package dev.callmesh.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.client.HubUrl;

/**
 * Something that happened to a {@link CallmeshClient}'s connection, its breakers or its retries, for a
 * program to log or count ({@link CallmeshClient#eventHandler}).
 *
 * @param kind what happened
 * @param hub the hub it concerns, or {@code null} ({@link Kind#CLOSED})
 * @param cause why, for {@link Kind#DISCONNECTED}, {@link Kind#CONNECT_FAILED} and {@link Kind#RETRYING};
 *     else {@code null}
 * @param operation the operation path of a {@link Kind#RETRYING} call, else {@code null}
 * @param attempt for {@link Kind#RETRYING}, the attempt that failed (1 for the first); else 0
 * @param delayMs for {@link Kind#RETRYING} and {@link Kind#DISCONNECTED}, the wait before the next attempt
 *     or dial; else 0
 */
public record ClientEvent(Kind kind, HubUrl hub, CallException cause, String operation, int attempt, long delayMs) {

  /** The kinds of events. */
  public enum Kind {
    /** A connection to {@code hub} was authenticated; calls flow through it. */
    CONNECTED,
    /** The connection to {@code hub} was lost; the client dials the next hub after {@code delayMs}. */
    DISCONNECTED,
    /** An attempt to connect to {@code hub} failed, or was skipped because its breaker is open. */
    CONNECT_FAILED,
    /** The breaker of {@code hub} opened: reconnecting skips that hub until it half-opens. */
    BREAKER_OPENED,
    /** The breaker of {@code hub} half-opened: the next attempt on it decides whether it closes again. */
    BREAKER_HALF_OPEN,
    /** The breaker of {@code hub} closed again after that hub answered. */
    BREAKER_CLOSED,
    /** A call failed with a retryable error and will be tried again after {@code delayMs}. */
    RETRYING,
    /** The client was closed: it no longer reconnects. */
    CLOSED
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
    if (operation != null) {
      s.append(' ').append(operation).append(" (attempt ").append(attempt).append(')');
    }
    if (hub != null) {
      s.append(operation != null ? " via " : " ").append(hub);
    }
    if (cause != null) {
      s.append(": ").append(cause.code()).append(' ').append(cause.getMessage());
    }
    if (delayMs > 0) {
      s.append("; next in ").append(delayMs).append(" ms");
    }
    return s.toString();
  }
}
