package dev.callmesh.operations;

/** How an operation answers: once (a query or mutation) or as a stream (a subscription). */
public enum OperationType {
  /** One {@code call.responded}, no side effects. */
  QUERY("query"),
  /** One {@code call.responded}, with side effects. */
  MUTATION("mutation"),
  /** Many {@code call.responded}, then {@code call.completed}. */
  SUBSCRIPTION("subscription");

  private final String wire;

  OperationType(String wire) {
    this.wire = wire;
  }

  /** @return the string used in OperationSpec JSON */
  public String wire() {
    return wire;
  }

  /**
   * @param wire {@code query}, {@code mutation} or {@code subscription}
   * @return the type
   * @throws IllegalArgumentException for any other string
   */
  public static OperationType fromWire(String wire) {
    for (OperationType t : values()) {
      if (t.wire.equals(wire)) {
        return t;
      }
    }
    throw new IllegalArgumentException("opType must be query, mutation or subscription, not " + wire);
  }
}
