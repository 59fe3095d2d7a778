package dev.callmesh.protocol.call;

/**
 * One entry of the {@link PendingRequestMap}: a call we made that has not ended yet.
 */
public final class PendingCall {

  private final String id;
  private final String operationId;
  private final boolean stream;
  private final CallObserver observer;
  Deadlines.Node<PendingCall> deadlineNode;
  Deadlines.Node<PendingCall> idleNode;
  long idleTimeoutMs;
  boolean idleExpired;

  /**
   * @param id the request id on the wire
   * @param operationId the operation called, for messages
   * @param stream whether more than one {@code call.responded} is expected
   * @param observer receives the outcome
   */
  public PendingCall(String id, String operationId, boolean stream, CallObserver observer) {
    this.id = id;
    this.operationId = operationId;
    this.stream = stream;
    this.observer = observer;
  }

  /** @return the request id */
  public String id() {
    return id;
  }

  /** @return the operation called */
  public String operationId() {
    return operationId;
  }

  /** @return whether the call stays open after its first response */
  public boolean stream() {
    return stream;
  }

  /** @return whether the call ended because no event passed for its idle timeout */
  public boolean idleExpired() {
    return idleExpired;
  }

  /** @return the observer of the outcome */
  public CallObserver observer() {
    return observer;
  }
}
