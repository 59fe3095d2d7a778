package dev.callmesh.protocol.auth;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032) signing and strict verification, with Bouncy Castle's low-level implementation
 * ({@code org.bouncycastle.math.ec.rfc8032}, not its JCA provider): about 30 µs a signature and 90 µs a
 * verification where the JDK's takes 600 µs for each (docs/PERFORMANCE.md, "Handshakes: Ed25519").
 *
 * <p>Verification is strict: S must be below the group order L (so a signature cannot be altered into a
 * second valid one), R and A must be canonical encodings of points on the curve, and a public key of small
 * order (the identity, or a point of order 2, 4 or 8) verifies nothing.
 */
public final class Ed25519 {

  /** The order L of the Ed25519 base point: 2^252 + 27742317777372353535851937790883648493. */
  static final BigInteger L = BigInteger.TWO.pow(252)
      .add(new BigInteger("27742317777372353535851937790883648493"));

  /** Length of a raw Ed25519 signature: R (32 bytes) then S (32 bytes, little-endian). */
  public static final int SIGNATURE_LENGTH = 64;

  /** Length of a private key seed, and of a raw public key. */
  static final int KEY_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ed25519() {
  }

  /**
   * Verifies a raw Ed25519 signature.
   *
   * @param key the signer's public key
   * @param message the signed bytes
   * @param signature64 the 64-byte signature R ‖ S
   * @return true only when the signature is 64 bytes and valid under the strict rules above; false for
   *     anything else, including null or malformed input (this method never throws)
   */
  public static boolean verify(SshPublicKey key, byte[] message, byte[] signature64) {
    if (key == null || message == null || signature64 == null || signature64.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      // Bouncy Castle checks S < L, R's and A's encodings, and refuses small-order A, before the equation.
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature64, 0, key.rawView(), 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @param seed the 32-byte private key seed
   * @param publicRaw the 32-byte public key of that seed (not recomputed)
   * @param message the bytes to sign
   * @return the 64-byte signature (deterministic)
   */
  static byte[] sign(byte[] seed, byte[] publicRaw, byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicRaw, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** @return the 32-byte public key of a 32-byte seed */
  static byte[] publicFromSeed(byte[] seed) {
    byte[] raw = new byte[KEY_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, raw, 0);
    return raw;
  }

  /** @return a new random 32-byte seed */
  static byte[] newSeed() {
    byte[] seed = new byte[KEY_LENGTH];
    RANDOM.nextBytes(seed);
    return seed;
  }
}
