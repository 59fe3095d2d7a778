package dev.callmesh.hub.impl.jobs;

/** Where a job is in its life: running until its call ends, then one of the three ends, for good. */
public enum JobState {
  /** Its call is in flight. */
  RUNNING("running"),
  /** Its call answered (a query or mutation) or completed (a subscription). */
  COMPLETED("completed"),
  /** Its call failed; the job keeps the error. */
  FAILED("failed"),
  /** Its owner aborted it. */
  ABORTED("aborted");

  private final String wire;

  JobState(String wire) {
    this.wire = wire;
  }

  /** @return the name on the wire and in the database: {@code running}, {@code completed}, ... */
  public String wire() {
    return wire;
  }

  /** @return whether the job has ended */
  public boolean ended() {
    return this != RUNNING;
  }

  /**
   * @param wire a state's wire name
   * @return the state, or {@code null} for any other text
   */
  public static JobState fromWire(String wire) {
    for (JobState s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    return null;
  }
}
