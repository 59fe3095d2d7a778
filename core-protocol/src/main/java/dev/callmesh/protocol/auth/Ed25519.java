package dev.callmesh.protocol.auth;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ed25519 (RFC 8032) signing and strict verification. A process that signs or verifies often uses Bouncy
 * Castle's low-level implementation ({@code org.bouncycastle.math.ec.rfc8032}, not its JCA provider):
 * about 35 µs a signature and 90 µs a verification where the JDK takes 600 µs for each. Its tables cost
 * 0.3–0.7 s of CPU to build in a fresh JVM, so the first few operations of a process (a spoke's start, a
 * command line's one signature) use the JDK's, and the tables are built on a background thread after
 * that, or at once when {@link #prepare()} asks (docs/PERFORMANCE.md, "Handshakes: Ed25519"). Both
 * give the same signatures and the same verdicts.
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

  /** How many operations a process makes with the JDK before Bouncy Castle's tables are built. */
  static final int COLD_OPERATIONS = 4;

  private static final AtomicInteger OPERATIONS = new AtomicInteger();
  private static volatile boolean tablesReady;

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
    return warm() ? verifyWarm(key.rawView(), message, signature64) : verifyCold(key.rawView(), message, signature64);
  }

  /** Bouncy Castle checks S &lt; L, R's and A's encodings, and refuses small-order A, before the equation. */
  static boolean verifyWarm(byte[] publicRaw, byte[] message, byte[] signature64) {
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature64, 0, publicRaw, 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The JDK's verification, with the key checks Bouncy Castle makes (they need none of its tables). */
  static boolean verifyCold(byte[] publicRaw, byte[] message, byte[] signature64) {
    try {
      if (!isCanonicalS(signature64)
          || !org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(publicRaw, 0)) {
        return false;
      }
      Signature verifier = JdkEd25519.signature();
      verifier.initVerify(JdkEd25519.publicFromRaw(publicRaw));
      verifier.update(message);
      return verifier.verify(signature64);
    } catch (Exception e) {
      // Points off the curve, non-canonical encodings, provider trouble: all mean "not verified".
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
    return warm() ? signWarm(seed, publicRaw, message) : signCold(seed, message);
  }

  static byte[] signWarm(byte[] seed, byte[] publicRaw, byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicRaw, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  static byte[] signCold(byte[] seed, byte[] message) {
    try {
      PrivateKey key = JdkEd25519.privateFromSeed(seed);
      Signature signer = JdkEd25519.signature();
      signer.initSign(key);
      signer.update(message);
      return signer.sign();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK failed to sign with Ed25519", e);
    }
  }

  /**
   * Starts building Bouncy Castle's tables now, on a background thread, instead of after the first few
   * operations: for a process that is about to verify many signatures at once, such as a hub that every
   * spoke reconnects to after a restart. Does nothing when they are built or being built.
   */
  public static void prepare() {
    if (!tablesReady && OPERATIONS.getAndAccumulate(COLD_OPERATIONS, Math::max) < COLD_OPERATIONS) {
      buildTables();
    }
  }

  /** @return whether Bouncy Castle's tables are built (for tests) */
  static boolean tablesReady() {
    return tablesReady;
  }

  /** @return whether Bouncy Castle's tables are built; the call that reaches the threshold starts them */
  private static boolean warm() {
    if (tablesReady) {
      return true;
    }
    if (OPERATIONS.incrementAndGet() == COLD_OPERATIONS) {
      buildTables();
    }
    return false;
  }

  private static void buildTables() {
    Thread builder = new Thread(() -> {
      org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
      tablesReady = true;
    }, "callmesh-ed25519-tables");
    builder.setDaemon(true);
    builder.start();
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
