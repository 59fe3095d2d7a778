package dev.callmesh.hub;

import dev.callmesh.operations.OperationSpec;
import java.time.Instant;
import java.util.List;

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
 */
public record SpokeInfo(String name, String identity, Instant connectedAt, String remoteAddress, String transport,
                        List<OperationSpec> operations, String hub) {

  /** @return the same spoke with another operation set */
  public SpokeInfo withOperations(List<OperationSpec> specs) {
    return new SpokeInfo(name, identity, connectedAt, remoteAddress, transport, List.copyOf(specs), hub);
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
