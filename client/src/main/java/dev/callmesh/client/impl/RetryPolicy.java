package dev.callmesh.client.impl;

import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

/**
 * Whether a failed call is tried again, and after how long. The rules, in the order they are checked:
 * <ol>
 *   <li>only a retryable error: a standard code that the protocol calls retryable ({@code UNAVAILABLE},
 *       {@code TIMEOUT}, {@code RESOURCE_EXHAUSTED}) whatever the payload's flag says, or a domain code
 *       whose {@code retryable} flag is set;</li>
 *   <li>only before the call delivered an output (a subscription is never replayed);</li>
 *   <li>only while attempts are left ({@code maxRetries} retries after the first attempt);</li>
 *   <li>only a query, unless the caller allowed other calls ({@code retryMutations}); an operation of
 *       unknown type counts as not a query;</li>
 *   <li>only when the jittered wait ends before the call's deadline.</li>
 * </ol>
 *
 * @param backoff the waits between attempts
 */
record RetryPolicy(Backoff backoff) {

  /** No more attempts. */
  static final long NO_RETRY = -1;

  /**
   * @param e the failure
   * @return whether it may go away when tried again (rule 1)
   */
  static boolean retryable(CallException e) {
    ErrorCode standard = e.standardCode();
    return standard != null ? standard.retryable() : e.retryable();
  }

  /**
   * Rules 1 to 3, which need no knowledge of the operation: when false, there is no need to learn its type.
   *
   * @param e the failure of the last attempt
   * @param attempts how many attempts were made, at least 1
   * @param maxRetries how many retries are allowed after the first attempt
   * @param responded whether the call delivered an output
   * @return whether a retry is possible at all
   */
  static boolean mayRetry(CallException e, int attempts, int maxRetries, boolean responded) {
    return retryable(e) && !responded && attempts <= maxRetries;
  }

  /**
   * @param type the operation's type, or {@code null} when unknown
   * @param retryMutations whether the caller allowed retries of calls that are not queries
   * @return rule 4
   */
  static boolean allowedFor(OperationType type, boolean retryMutations) {
    return type == OperationType.QUERY || retryMutations;
  }

  /**
   * Every rule.
   *
   * @param e the failure of the last attempt
   * @param attempts how many attempts were made, at least 1
   * @param maxRetries how many retries are allowed after the first attempt
   * @param responded whether the call delivered an output
   * @param type the operation's type, or {@code null} when unknown
   * @param retryMutations whether the caller allowed retries of calls that are not queries
   * @param remainingMs what is left of the call's deadline, {@link Long#MAX_VALUE} for none
   * @return the wait before the next attempt in milliseconds, or {@link #NO_RETRY}
   */
  long nextDelay(CallException e, int attempts, int maxRetries, boolean responded, OperationType type,
      boolean retryMutations, long remainingMs) {
    if (!mayRetry(e, attempts, maxRetries, responded) || !allowedFor(type, retryMutations)) {
      return NO_RETRY;
    }
    long delay = backoff.delay(attempts - 1);
    return delay < remainingMs ? delay : NO_RETRY;
  }
}
