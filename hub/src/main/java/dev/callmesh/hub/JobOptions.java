package dev.callmesh.hub;

import dev.callmesh.protocol.util.Durations;
import io.vertx.core.json.JsonObject;

/**
 * How a hub keeps jobs (calls started with {@code /hub/jobs/start} that run detached from their caller):
 * how long an ended job is kept, and how many jobs one identity may have running at once. The jobs
 * themselves live in the hub's {@link HubOptions#setDataDir data directory}.
 */
public class JobOptions {

  /** How long an ended job is kept: 7 days. */
  public static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;
  /** How many jobs one identity may have running at once on a hub: 100. */
  public static final int DEFAULT_MAX_RUNNING_PER_IDENTITY = 100;

  private long retentionMs = DEFAULT_RETENTION_MS;
  private int maxRunningPerIdentity = DEFAULT_MAX_RUNNING_PER_IDENTITY;

  /** Default options. */
  public JobOptions() {
  }

  /** A copy of other. */
  public JobOptions(JobOptions other) {
    this(other.toJson());
  }

  /** From JSON as {@link #toJson()} writes it: {@code retention} (a duration such as "7d"), {@code maxRunningPerIdentity}. */
  public JobOptions(JsonObject json) {
    if (json.getValue("retention") != null) {
      setRetentionMs(Durations.parse(json.getString("retention")).toMillis());
    }
    setMaxRunningPerIdentity(json.getInteger("maxRunningPerIdentity", maxRunningPerIdentity));
  }

  /** @return the options as config-file JSON */
  public JsonObject toJson() {
    return new JsonObject().put("retention", retentionMs + "ms").put("maxRunningPerIdentity", maxRunningPerIdentity);
  }

  /** @return how long an ended job is kept, in milliseconds */
  public long getRetentionMs() {
    return retentionMs;
  }

  /**
   * @param ms how long an ended job is kept before it is deleted (checked at start and every hour), at
   *     least one second
   * @return this
   */
  public JobOptions setRetentionMs(long ms) {
    if (ms < 1000) {
      throw new IllegalArgumentException("job retention must be at least 1s");
    }
    this.retentionMs = ms;
    return this;
  }

  /** @return how many jobs one identity may have running at once */
  public int getMaxRunningPerIdentity() {
    return maxRunningPerIdentity;
  }

  /** @param n at least 1; one more job is refused with RESOURCE_EXHAUSTED; @return this */
  public JobOptions setMaxRunningPerIdentity(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("max running jobs per identity must be at least 1");
    }
    this.maxRunningPerIdentity = n;
    return this;
  }
}
