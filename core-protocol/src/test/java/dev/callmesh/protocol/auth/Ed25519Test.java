package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Strict RFC 8032 verification on top of the JDK. */
class Ed25519Test {

  private static final byte[] MESSAGE = "hello".getBytes(StandardCharsets.UTF_8);

  /** Replaces the 32-byte little-endian S at offset with S + L (still fits in 32 bytes). */
  static void addOrderToS(byte[] buf, int offset) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = buf[offset + 31 - i];
    }
    byte[] sum = new BigInteger(1, be).add(Ed25519.L).toByteArray();
    byte[] fixed = new byte[32];
    System.arraycopy(sum, Math.max(0, sum.length - 32), fixed, Math.max(0, 32 - sum.length), Math.min(32, sum.length));
    for (int i = 0; i < 32; i++) {
      buf[offset + i] = fixed[31 - i];
    }
  }

  @Test
  void acceptsCanonicalAndRejectsSPlusL() {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    assertTrue(Ed25519.verify(pair.publicKey().jdkKey(), MESSAGE, sig));

    byte[] malleated = sig.clone();
    addOrderToS(malleated, 32);

    assertFalse(Arrays.equals(sig, malleated));
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), MESSAGE, malleated));
  }

  @Test
  void rejectsBadInputWithoutThrowing() {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), MESSAGE, Arrays.copyOf(sig, 63)));
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), MESSAGE, Arrays.copyOf(sig, 65)));
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), MESSAGE, null));
    assertFalse(Ed25519.verify(null, MESSAGE, sig));
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), null, sig));
    assertFalse(Ed25519.verify(pair.publicKey().jdkKey(), "other".getBytes(StandardCharsets.UTF_8), sig));
    assertFalse(Ed25519.verify(SshKeyPair.generate().publicKey().jdkKey(), MESSAGE, sig));
    byte[] allOnes = new byte[32];
    Arrays.fill(allOnes, (byte) 0xff);
    assertFalse(Ed25519.verify(SshPublicKey.fromRaw(allOnes).jdkKey(), MESSAGE, sig));
  }

  @Test
  void acceptsKeysOfOtherProvidersByConvertingThem() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    var x509 = pair.publicKey().jdkKey().getEncoded();
    var viaDefault = java.security.KeyFactory.getInstance("Ed25519")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(x509));
    assertTrue(Ed25519.verify(viaDefault, MESSAGE, sig));
  }
}
