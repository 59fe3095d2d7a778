package dev.callmesh.client;

import dev.callmesh.operations.OperationType;
import io.vertx.core.json.JsonObject;

/**
 * How one call is made: its overall deadline, how often it may be tried again, whether a mutation (or a
 * subscription, or an operation whose type the client cannot learn) may be tried again at all, and the
 * operation's type when the caller knows it.
 *
 * <pre>{@code
 * client.call("/dev1/fs/writeFile", input, CallOptions.retries(5).setRetryMutations(true));
 * }</pre>
 *
 * A call is tried again only after a retryable error ({@code UNAVAILABLE}, {@code TIMEOUT},
 * {@code RESOURCE_EXHAUSTED}, or a domain code the handler marked {@code retryable}), never after any other,
 * never once a subscription has delivered an output, and never past the deadline: each attempt carries
 * what is left of it as its {@code timeoutMs}.
 */
public class CallOptions {

  /** {@link #getMaxRetries()} when the client's {@link ClientOptions#getMaxRetries()} applies. */
  public static final int CLIENT_DEFAULT = -1;

  private long timeoutMs;
  private int maxRetries = CLIENT_DEFAULT;
  private boolean retryMutations;
  private OperationType operationType;

  /** Options that change nothing: the request's deadline, the client's retries, queries only. */
  public CallOptions() {
  }

  /** @param other options to copy */
  public CallOptions(CallOptions other) {
    this.timeoutMs = other.timeoutMs;
    this.maxRetries = other.maxRetries;
    this.retryMutations = other.retryMutations;
    this.operationType = other.operationType;
  }

  /**
   * @param json {@code timeoutMs}, {@code maxRetries}, {@code retryMutations}, {@code operationType}
   *     ({@code query}, {@code mutation} or {@code subscription}), each optional
   * @throws IllegalArgumentException when a value is out of range
   */
  public CallOptions(JsonObject json) {
    setTimeoutMs(json.getLong("timeoutMs", 0L));
    setMaxRetries(json.getInteger("maxRetries", CLIENT_DEFAULT));
    setRetryMutations(json.getBoolean("retryMutations", false));
    String type = json.getString("operationType");
    setOperationType(type == null ? null : OperationType.fromWire(type));
  }

  /** @return these options as JSON, as the JSON constructor reads them */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("timeoutMs", timeoutMs).put("maxRetries", maxRetries)
        .put("retryMutations", retryMutations);
    return operationType == null ? json : json.put("operationType", operationType.wire());
  }

  /**
   * @param n how many times the call may be tried again
   * @return new options with that number of retries
   */
  public static CallOptions retries(int n) {
    return new CallOptions().setMaxRetries(n);
  }

  /** @return the call's overall deadline in milliseconds, or 0 for the request's own (or the default) */
  public long getTimeoutMs() {
    return timeoutMs;
  }

  /**
   * @param ms the deadline of the whole call, every attempt and wait included; 0 for the request's
   *     {@code timeoutMs}, else the connection's default for queries and mutations and none for subscriptions
   * @return this
   */
  public CallOptions setTimeoutMs(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("timeoutMs must not be negative");
    }
    this.timeoutMs = ms;
    return this;
  }

  /** @return how many times the call may be tried again, or {@link #CLIENT_DEFAULT} */
  public int getMaxRetries() {
    return maxRetries;
  }

  /** @param n 0 to 100, or {@link #CLIENT_DEFAULT}; @return this */
  public CallOptions setMaxRetries(int n) {
    if (n < CLIENT_DEFAULT || n > 100) {
      throw new IllegalArgumentException("maxRetries must be 0 to 100 (or -1 for the client's), not " + n);
    }
    this.maxRetries = n;
    return this;
  }

  /** @return whether calls other than queries may be tried again too */
  public boolean isRetryMutations() {
    return retryMutations;
  }

  /**
   * @param retry {@code true} to try again a mutation, a subscription (only before its first output) or an
   *     operation of unknown type, as a query would be: only for operations that are safe to run twice
   * @return this
   */
  public CallOptions setRetryMutations(boolean retry) {
    this.retryMutations = retry;
    return this;
  }

  /** @return the operation's type as the caller declared it, or {@code null} to let the client learn it */
  public OperationType getOperationType() {
    return operationType;
  }

  /**
   * @param type the operation's type, or {@code null}: the client then asks the hub
   *     ({@code /services/schema}, once per path, only when a retry is considered)
   * @return this
   */
  public CallOptions setOperationType(OperationType type) {
    this.operationType = type;
    return this;
  }
}
