package dev.callmesh.hub;

import dev.callmesh.operations.OperationSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A connected spoke as the routing table knows it.
 *
 * @param name the spoke name
 * @param identity the identity id of its key
 * @param connectedAt when its connection was welcomed
 * @param remoteAddress {@code host:port} of the connection
 * @param transport tcp, tls, ws, ...
 * @param operations what it serves, with spoke-relative names
 * @param hub the id of the hub the spoke is connected to
 * @param labels its labels, sorted by key: what it claimed, with those its key pins over them
 * @param pool the pool it also serves as, or {@code null}
 */
public record SpokeInfo(String name, String identity, Instant connectedAt, String remoteAddress, String transport,
                        List<OperationSpec> operations, String hub, Map<String, String> labels, String pool) {

  /** Copies the collections, so that the record is immutable. */
  public SpokeInfo {
    operations = List.copyOf(operations);
    labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
  }

  /** @return the same spoke with another operation set */
  public SpokeInfo withOperations(List<OperationSpec> specs) {
    return new SpokeInfo(name, identity, connectedAt, remoteAddress, transport, specs, hub, labels, pool);
  }

  /** @return the spec served under the spoke-relative name, or {@code null} */
  public OperationSpec operation(String relativeName) {
    for (OperationSpec s : operations) {
      if (s.name().equals(relativeName)) {
        return s;
      }
    }
    return null;
  }
}
