package dev.callmesh.hub.impl.jobs;

/**
 * One kept output of a job.
 *
 * @param seq its place among the job's outputs, from 1
 * @param json the output's JSON text
 */
public record JobOutput(long seq, String json) {

  /** @return {@code {"seq":..,"output":..}} as JSON text, the output copied as it is */
  public String watchEvent() {
    return "{\"seq\":" + seq + ",\"output\":" + json + "}";
  }
}
