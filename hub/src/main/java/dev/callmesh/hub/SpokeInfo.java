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
 */
public record SpokeInfo(String name, String identity, Instant connectedAt, String remoteAddress, String transport,
                        List<OperationSpec> operations) {

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
