package dev.callmesh.hub.impl.mcp;

/**
 * The bounds of the MCP endpoint: how many sessions it keeps, how long an idle one lives, how much of a
 * subscription's output one tool call collects, how many tool calls one session runs at once.
 *
 * @param maxSessions sessions kept in all; an {@code initialize} past it is refused (RESOURCE_EXHAUSTED)
 * @param maxSessionsPerIdentity sessions kept per identity; a new one past it ends that identity's least
 *     recently used session (whose client then gets 404 and starts again, as MCP has it)
 * @param idleTimeoutMs a session that has had no request, no open stream and no running call for this long ends
 * @param maxStreamBytes the most JSON a subscription's outputs may add up to in one tool call
 * @param maxCallsPerSession tool calls one session may have running at once
 * @param subscriptionTimeoutMs the deadline of a subscription called as a tool, unless the call sets its own
 */
public record McpLimits(int maxSessions, int maxSessionsPerIdentity, long idleTimeoutMs, long maxStreamBytes,
                        int maxCallsPerSession, long subscriptionTimeoutMs) {

  /** Sessions kept in all: 1024. */
  public static final int DEFAULT_MAX_SESSIONS = 1024;
  /** Sessions kept per identity: 16. */
  public static final int DEFAULT_MAX_SESSIONS_PER_IDENTITY = 16;
  /** An idle session ends after 30 minutes. */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000L;
  /** A subscription's outputs are collected up to 1 MiB. */
  public static final long DEFAULT_MAX_STREAM_BYTES = 1024 * 1024;
  /** 32 tool calls at once per session. */
  public static final int DEFAULT_MAX_CALLS_PER_SESSION = 32;
  /** A subscription called as a tool ends after 5 minutes unless the call says otherwise. */
  public static final long DEFAULT_SUBSCRIPTION_TIMEOUT_MS = 5 * 60_000L;

  /** @throws IllegalArgumentException when a bound is not positive */
  public McpLimits {
    if (maxSessions < 1 || maxSessionsPerIdentity < 1 || idleTimeoutMs < 1 || maxStreamBytes < 1
        || maxCallsPerSession < 1 || subscriptionTimeoutMs < 1) {
      throw new IllegalArgumentException("every MCP limit must be positive");
    }
  }

  /** @return the default limits */
  public static McpLimits defaults() {
    return new McpLimits(DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_IDENTITY, DEFAULT_IDLE_TIMEOUT_MS,
        DEFAULT_MAX_STREAM_BYTES, DEFAULT_MAX_CALLS_PER_SESSION, DEFAULT_SUBSCRIPTION_TIMEOUT_MS);
  }
}
