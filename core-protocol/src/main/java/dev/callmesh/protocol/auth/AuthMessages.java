package dev.callmesh.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** The messages of the session handshake (docs/PROTOCOL.md, "Handshake") that a peer signs and a hub checks. */
public final class AuthMessages {

  /** The SSHSIG namespace of handshake signatures: {@code ssh-keygen -Y sign -n callmesh}. */
  public static final String NAMESPACE = "callmesh";

  /** Prefix of the signed challenge message. */
  public static final String CHALLENGE_PREFIX = "callmesh-auth-v1:";

  /** Number of random bytes in a challenge nonce. */
  public static final int NONCE_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AuthMessages() {
  }

  /**
   * @param hubId the hub id sent in {@code auth.challenge}
   * @param nonceBase64 the nonce sent in {@code auth.challenge}, as sent
   * @return the UTF-8 bytes of {@code callmesh-auth-v1:<hubId>:<nonce>}, with no trailing newline
   */
  public static byte[] challengeMessage(String hubId, String nonceBase64) {
    return (CHALLENGE_PREFIX + hubId + ":" + nonceBase64).getBytes(StandardCharsets.UTF_8);
  }

  /** @return a fresh nonce: standard padded base64 of 32 bytes from a SecureRandom */
  public static String newNonce() {
    byte[] b = new byte[NONCE_BYTES];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
