package dev.callmesh.protocol.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted line of authorized_keys: a key, the identity it stands for, and what that identity may
 * do (README.md, "Running a hub and spokes with your own keys").
 *
 * @param key the ssh-ed25519 public key
 * @param id the identity id: {@code name=}, else the key comment, else the key's {@code SHA256:} fingerprint
 * @param spokePatterns globs of the spoke names the key may register as ({@code spoke=}); empty for none
 * @param allowPatterns globs of the operation paths the identity may call ({@code allow=}); empty for
 *     only {@code /services/*}
 * @param fromPatterns the OpenSSH pattern list of {@code from=}, or null when the line has none
 * @param labels the labels {@code labels=} pins for the key's spokes (they win over what a spoke claims); empty for none
 * @param line the 1-based line number in the file, for messages
 */
public record AuthorizedKey(SshPublicKey key, String id, List<String> spokePatterns, List<String> allowPatterns,
                            String fromPatterns, Map<String, String> labels, int line) {

  /** Operation paths under this prefix are served by the hub to every authenticated identity. */
  public static final String SERVICES_PREFIX = "/services/";

  /** Copies the lists, so that the record is immutable. */
  public AuthorizedKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(id, "id");
    spokePatterns = List.copyOf(spokePatterns);
    allowPatterns = List.copyOf(allowPatterns);
    labels = Map.copyOf(labels);
  }

  /**
   * @param name a spoke name the key wants to register
   * @return whether any {@code spoke=} glob matches it; false when the line has none
   */
  public boolean maySpoke(String name) {
    return name != null && spokePatterns.stream().anyMatch(p -> Glob.matches(p, name));
  }

  /**
   * @param operationPath an operation path such as {@code /dev1/fs/readFile}
   * @return true for paths under {@code /services/}; otherwise whether any {@code allow=} glob matches
   */
  public boolean mayCall(String operationPath) {
    if (operationPath == null) {
      return false;
    }
    return operationPath.startsWith(SERVICES_PREFIX)
        || allowPatterns.stream().anyMatch(p -> Glob.matches(p, operationPath));
  }

  /**
   * @param address the peer's numeric IP address
   * @return true when the line has no {@code from=}; otherwise whether the pattern list admits the address
   */
  public boolean mayConnectFrom(String address) {
    return fromPatterns == null || AddressPatterns.matches(fromPatterns, address);
  }

  /** @return the {@code allow=} globs as configured (what {@code auth.welcome} reports) */
  public List<String> allow() {
    return allowPatterns;
  }
}
