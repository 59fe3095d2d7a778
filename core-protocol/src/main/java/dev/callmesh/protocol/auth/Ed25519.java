package dev.callmesh.protocol.auth;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Strict Ed25519 signature verification (RFC 8032 §5.1.7) with the JDK's own implementation, plus an
 * explicit check that the scalar S is canonical, so a signature cannot be altered into a second valid one.
 */
public final class Ed25519 {

  /** The order L of the Ed25519 base point: 2^252 + 27742317777372353535851937790883648493. */
  static final BigInteger L = BigInteger.TWO.pow(252)
      .add(new BigInteger("27742317777372353535851937790883648493"));

  /** Length of a raw Ed25519 signature: R (32 bytes) then S (32 bytes, little-endian). */
  public static final int SIGNATURE_LENGTH = 64;

  private Ed25519() {
  }

  /**
   * Verifies a raw Ed25519 signature.
   *
   * @param key an Ed25519 public key (from any provider; it is converted to the JDK's)
   * @param message the signed bytes
   * @param signature64 the 64-byte signature R ‖ S
   * @return true only when the signature is 64 bytes, S is below the group order L, and the JDK accepts
   *     it; false for anything else, including null or malformed input (this method never throws)
   */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature64) {
    if (key == null || message == null || signature64 == null || signature64.length != SIGNATURE_LENGTH) {
      return false;
    }
    if (!isCanonicalS(signature64)) {
      return false;
    }
    try {
      // Re-create the key from its raw bytes so that the JDK, not whichever provider made it, verifies.
      PublicKey jdkKey = SshPublicKey.fromJdk(key).jdkKey();
      Signature verifier = JdkEd25519.signature();
      verifier.initVerify(jdkKey);
      verifier.update(message);
      return verifier.verify(signature64);
    } catch (Exception e) {
      // Bad keys, points off the curve, provider trouble: all mean "not verified".
      return false;
    }
  }

  /** @return whether S, the last 32 bytes read little-endian, is below L */
  static boolean isCanonicalS(byte[] signature64) {
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = signature64[63 - i];
    }
    return new BigInteger(1, bigEndian).compareTo(L) < 0;
  }
}
