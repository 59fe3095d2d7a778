package dev.callmesh.client.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** What {@link RetryPolicy} retries: queries on retryable codes by default, other calls only when asked, never the rest. */
class RetryPolicyTest {

  private static final long NONE = Long.MAX_VALUE;
  /** Waits exactly the ceiling minus one: 99, 199, 399, ... */
  private final RetryPolicy policy = new RetryPolicy(new Backoff(100, 1_000, () -> 0.999_999_9));

  private static CallException err(ErrorCode code) {
    return CallException.of(code, "test");
  }

  @Test
  void aQueryIsRetriedOnEachRetryableCodeWithGrowingWaits() {
    for (ErrorCode code : new ErrorCode[] {ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.RESOURCE_EXHAUSTED}) {
      assertEquals(99, policy.nextDelay(err(code), 1, 3, false, OperationType.QUERY, false, NONE), code.name());
      assertEquals(199, policy.nextDelay(err(code), 2, 3, false, OperationType.QUERY, false, NONE));
      assertEquals(399, policy.nextDelay(err(code), 3, 3, false, OperationType.QUERY, false, NONE));
      assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(err(code), 4, 3, false, OperationType.QUERY, false, NONE),
          "three retries make four attempts, no more");
    }
    assertEquals(999, policy.nextDelay(err(ErrorCode.UNAVAILABLE), 20, 50, false, OperationType.QUERY, false, NONE),
        "the wait stops growing at the maximum");
  }

  @Test
  void mutationsSubscriptionsAndUnknownOperationsAreRetriedOnlyWhenAsked() {
    CallException e = err(ErrorCode.UNAVAILABLE);
    for (OperationType type : new OperationType[] {OperationType.MUTATION, OperationType.SUBSCRIPTION, null}) {
      assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(e, 1, 3, false, type, false, NONE), String.valueOf(type));
      assertEquals(99, policy.nextDelay(e, 1, 3, false, type, true, NONE), String.valueOf(type));
    }
  }

  @Test
  void nonRetryableCodesAreNeverRetriedWhateverTheCallerAsks() {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.retryable()) {
        continue;
      }
      assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(err(code), 1, 10, false, OperationType.QUERY, true, NONE),
          code.name());
      // A standard code that is not retryable stays so even when the payload's flag says otherwise.
      CallException flagged = new CallException(code.wire(), "lies", true, null);
      assertFalse(RetryPolicy.retryable(flagged), code.name());
      assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(flagged, 1, 10, false, OperationType.QUERY, true, NONE));
    }
    // A standard retryable code is retryable even when a peer forgot the flag.
    assertTrue(RetryPolicy.retryable(new CallException("UNAVAILABLE", "no flag", false, null)));
  }

  @Test
  void aDomainCodeIsRetriedOnlyWhenItsFlagSaysSo() {
    assertEquals(99, policy.nextDelay(new CallException("BUSY", "try later", true, null), 1, 3, false,
        OperationType.QUERY, false, NONE));
    assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(new CallException("FILE_NOT_FOUND", "no", false, null), 1, 3,
        false, OperationType.QUERY, false, NONE));
  }

  @Test
  void noRetryAfterAnOutputWithZeroRetriesOrPastTheDeadline() {
    CallException e = err(ErrorCode.UNAVAILABLE);
    assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(e, 1, 3, true, OperationType.QUERY, true, NONE),
        "outputs are never delivered twice");
    assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(e, 1, 0, false, OperationType.QUERY, false, NONE));
    assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(e, 1, 3, false, OperationType.QUERY, false, 99),
        "a wait that ends at the deadline is not worth it");
    assertEquals(99, policy.nextDelay(e, 1, 3, false, OperationType.QUERY, false, 100));
    assertEquals(RetryPolicy.NO_RETRY, policy.nextDelay(e, 1, 3, false, OperationType.QUERY, false, 0));
  }
}
