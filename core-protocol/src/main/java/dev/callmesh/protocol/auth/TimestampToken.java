package dev.callmesh.protocol.auth;

import dev.callmesh.protocol.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Signed-timestamp tokens (docs/PROTOCOL.md, "Handshake"): {@code base64url_nopad(key_id[32] ‖ ts[8] ‖ sig[64])}, where
 * {@code key_id} is the SHA-256 of the key's SSH wire blob, {@code ts} Unix seconds big-endian and
 * {@code sig} the Ed25519 signature over {@code key_id ‖ ts}.
 */
public final class TimestampToken {

  /** Decoded length of a token. */
  public static final int BYTES = 32 + 8 + 64;

  /** Default validity window around the verifier's clock, in seconds. */
  public static final long DEFAULT_MAX_SKEW_SECONDS = 300;

  /** Longest text that can be a token (unpadded 139 characters, padded 140). */
  private static final int MAX_CHARS = 140;

  private TimestampToken() {
  }

  /**
   * @param key the signing key
   * @param epochSeconds the timestamp, usually now
   * @return the token, base64url without padding (139 characters)
   */
  public static String create(SshKeyPair key, long epochSeconds) {
    byte[] signed = ByteBuffer.allocate(40).put(key.publicKey().keyId()).putLong(epochSeconds).array();
    byte[] token = ByteBuffer.allocate(BYTES).put(signed).put(key.sign(signed)).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * @param token any bearer token
   * @return whether it decodes to exactly 104 bytes (as opposed to a JWT, for example)
   */
  public static boolean looksLike(String token) {
    return decode(token).isPresent();
  }

  /**
   * @param token the token, as received
   * @param keys the accepted keys
   * @param nowEpochSeconds the verifier's clock
   * @param maxSkewSeconds how far the token's timestamp may be from now, either way
   * @return the entry of the key that signed the token
   * @throws AuthException UNAUTHENTICATED when the token is malformed, its key is not authorized, the
   *     signature does not verify or the timestamp is out of range; the message never contains the token
   */
  public static AuthorizedKey verify(String token, AuthorizedKeys keys, long nowEpochSeconds, long maxSkewSeconds)
      throws AuthException {
    byte[] raw = decode(token).orElseThrow(() -> fail(
        "the token is malformed; create a new one from your ssh-ed25519 key"));
    byte[] keyId = Arrays.copyOfRange(raw, 0, 32);
    long ts = ByteBuffer.wrap(raw, 32, 8).getLong();
    AuthorizedKey entry = keys.findByKeyId(keyId).orElseThrow(() -> fail(
        "the token's key is not in the hub's authorized_keys; ask the hub's operator to add your public key"));
    if (!Ed25519.verify(entry.key(), Arrays.copyOfRange(raw, 0, 40), Arrays.copyOfRange(raw, 40, BYTES))) {
      throw fail("the token's signature does not verify for key " + entry.key().fingerprint()
          + "; create a new token with that key");
    }
    if (!withinSkew(nowEpochSeconds, ts, maxSkewSeconds)) {
      throw fail("the token's timestamp is more than " + maxSkewSeconds + " s away from the hub's clock; "
          + "check the clock of this machine (and the hub's), then create a new token");
    }
    return entry;
  }

  private static boolean withinSkew(long now, long ts, long maxSkew) {
    try {
      long diff = Math.subtractExact(now, ts);
      return diff <= maxSkew && diff >= -maxSkew;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  private static Optional<byte[]> decode(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_CHARS) {
      return Optional.empty();
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(token);
      return raw.length == BYTES ? Optional.of(raw) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static AuthException fail(String message) {
    return new AuthException(ErrorCode.UNAUTHENTICATED, message);
  }
}
