package dev.callmesh.hub.impl.jobs;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One job as the store keeps it, without its outputs.
 *
 * @param id the job id
 * @param identity the identity that started it, its owner
 * @param operationId the full path of the operation it calls, e.g. {@code /dev1/bash/run}
 * @param state where it is
 * @param startedAt when it started, Unix milliseconds
 * @param endedAt when it ended, Unix milliseconds, or {@code null} while it runs
 * @param error the {@code call.error} payload it failed with (or was aborted with), or {@code null}
 * @param truncated whether outputs were dropped past the output limit
 * @param outputs how many outputs are kept
 * @param outputBytes the size of the kept outputs' JSON text
 * @param hub the id of the hub that ran it
 */
public record JobRecord(String id, String identity, String operationId, JobState state, long startedAt, Long endedAt,
                        JsonObject error, boolean truncated, long outputs, long outputBytes, String hub) {

  /** @return a new running job with no outputs */
  public static JobRecord started(String id, String identity, String operationId, long startedAt, String hub) {
    return new JobRecord(id, identity, operationId, JobState.RUNNING, startedAt, null, null, false, 0, 0, hub);
  }

  /** @return the entry of {@code /hub/jobs/list}: {@code {"job","operationId","state","startedAt","endedAt"?}} */
  public JsonObject summary() {
    JsonObject o = new JsonObject().put("job", id).put("operationId", operationId).put("state", state.wire())
        .put("startedAt", Instant.ofEpochMilli(startedAt).toString());
    if (endedAt != null) {
      o.put("endedAt", Instant.ofEpochMilli(endedAt).toString());
    }
    return o;
  }

  /**
   * @return the output of {@code /hub/jobs/get} without {@code outputs}:
   *     {@code {"job","operationId","identity","state","startedAt","endedAt"?,"error"?,"truncated"}}
   */
  public JsonObject detail() {
    JsonObject o = summary().put("identity", identity).put("truncated", truncated);
    if (error != null) {
      o.put("error", error.copy());
    }
    return o;
  }
}
