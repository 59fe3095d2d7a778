package dev.callmesh.protocol.call;

import io.vertx.core.json.JsonObject;

/** Settings of a {@link CallEngine}. */
public class CallEngineOptions {

  /** The deadline of a query or mutation that names none: 30 s. */
  public static final long DEFAULT_CALL_TIMEOUT_MS = 30_000;
  /** How often a ping is sent: 15 s. A peer silent for three periods is dead. */
  public static final long DEFAULT_HEARTBEAT_MS = 15_000;
  /** How many calls a peer may have running on us at once. */
  public static final int DEFAULT_MAX_INBOUND_IN_FLIGHT = 10_000;

  /**
   * How much longer than a call's deadline the caller's own timer waits: 500 ms. The side that serves a
   * call enforces its {@code timeoutMs} (answering TIMEOUT and stopping the work, which audit lines then
   * show as TIMEOUT); the caller's timer is the backstop for a peer that has gone silent.
   */
  public static final long DEFAULT_DEADLINE_GRACE_MS = 500;
  /** How many outputs of one call may wait for credit before it fails: 1024. */
  public static final int DEFAULT_MAX_HELD_OUTPUTS = 1024;
  /**
   * How many outputs of one call a producer on another thread may have on their way to the connection's
   * context before {@link InboundCall#writeQueueFull()} says full, credit or not: 64. Without it, a producer
   * faster than a busy loop would fill the loop's task queue, and everything behind (other calls' requests,
   * the abort of this one) would wait.
   */
  public static final int MAX_OUTPUTS_ON_THE_WAY = 64;
  /** How many bytes of one stream may wait to be sent to a caller that does not read: 8 MiB. */
  public static final long DEFAULT_MAX_UNFLUSHED_BYTES = 8L * 1024 * 1024;

  private long callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS;
  private int maxHeldOutputs = DEFAULT_MAX_HELD_OUTPUTS;
  private long maxUnflushedBytes = DEFAULT_MAX_UNFLUSHED_BYTES;
  private long heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private int maxInboundInFlight = DEFAULT_MAX_INBOUND_IN_FLIGHT;
  private long deadlineGraceMs = DEFAULT_DEADLINE_GRACE_MS;

  /** Default options. */
  public CallEngineOptions() {
  }

  /** A copy of other. */
  public CallEngineOptions(CallEngineOptions other) {
    this.callTimeoutMs = other.callTimeoutMs;
    this.heartbeatMs = other.heartbeatMs;
    this.maxInboundInFlight = other.maxInboundInFlight;
    this.maxHeldOutputs = other.maxHeldOutputs;
    this.maxUnflushedBytes = other.maxUnflushedBytes;
    this.deadlineGraceMs = other.deadlineGraceMs;
  }

  /** From JSON, as written by {@link #toJson()}. */
  public CallEngineOptions(JsonObject json) {
    this();
    setCallTimeoutMs(json.getLong("callTimeoutMs", DEFAULT_CALL_TIMEOUT_MS));
    setHeartbeatMs(json.getLong("heartbeatMs", DEFAULT_HEARTBEAT_MS));
    setMaxInboundInFlight(json.getInteger("maxInboundInFlight", DEFAULT_MAX_INBOUND_IN_FLIGHT));
    setMaxHeldOutputs(json.getInteger("maxHeldOutputs", DEFAULT_MAX_HELD_OUTPUTS));
    setMaxUnflushedBytes(json.getLong("maxUnflushedBytes", DEFAULT_MAX_UNFLUSHED_BYTES));
    setDeadlineGraceMs(json.getLong("deadlineGraceMs", DEFAULT_DEADLINE_GRACE_MS));
  }

  /** @return the options as JSON */
  public JsonObject toJson() {
    return new JsonObject()
        .put("callTimeoutMs", callTimeoutMs)
        .put("heartbeatMs", heartbeatMs)
        .put("maxInboundInFlight", maxInboundInFlight)
        .put("maxHeldOutputs", maxHeldOutputs)
        .put("maxUnflushedBytes", maxUnflushedBytes)
        .put("deadlineGraceMs", deadlineGraceMs);
  }

  /** @return how much longer than a call's deadline the caller's own timer waits */
  public long getDeadlineGraceMs() {
    return deadlineGraceMs;
  }

  /** @param ms 0 to 60 s; @return this */
  public CallEngineOptions setDeadlineGraceMs(long ms) {
    if (ms < 0 || ms > 60_000) {
      throw new IllegalArgumentException("deadlineGraceMs must be between 0 and 60000");
    }
    this.deadlineGraceMs = ms;
    return this;
  }

  /** @return the deadline of a query or mutation that names none */
  public long getCallTimeoutMs() {
    return callTimeoutMs;
  }

  /** @param ms a positive deadline; @return this */
  public CallEngineOptions setCallTimeoutMs(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("callTimeoutMs must be positive");
    }
    this.callTimeoutMs = ms;
    return this;
  }

  /** @return the ping period, 0 for none */
  public long getHeartbeatMs() {
    return heartbeatMs;
  }

  /** @param ms the ping period, 0 for none, else at least 100 ms; @return this */
  public CallEngineOptions setHeartbeatMs(long ms) {
    if (ms < 0 || (ms > 0 && ms < 100)) {
      throw new IllegalArgumentException("heartbeat must be 0 (off) or at least 100 ms");
    }
    this.heartbeatMs = ms;
    return this;
  }

  /** @return how many calls a peer may have running on us at once */
  public int getMaxInboundInFlight() {
    return maxInboundInFlight;
  }

  /** @param n at least 1; @return this */
  public CallEngineOptions setMaxInboundInFlight(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxInboundInFlight must be at least 1");
    }
    this.maxInboundInFlight = n;
    return this;
  }

  /** @return how many outputs of one call may wait for credit */
  public int getMaxHeldOutputs() {
    return maxHeldOutputs;
  }

  /** @param n at least 1; @return this */
  public CallEngineOptions setMaxHeldOutputs(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxHeldOutputs must be at least 1");
    }
    this.maxHeldOutputs = n;
    return this;
  }

  /** @return how many bytes of one stream may wait to be sent before the call fails */
  public long getMaxUnflushedBytes() {
    return maxUnflushedBytes;
  }

  /** @param n at least 64 KiB; @return this */
  public CallEngineOptions setMaxUnflushedBytes(long n) {
    if (n < 64 * 1024) {
      throw new IllegalArgumentException("maxUnflushedBytes must be at least 64 KiB");
    }
    this.maxUnflushedBytes = n;
    return this;
  }
}
