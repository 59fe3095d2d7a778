package dev.callmesh.protocol.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The JDK's own Ed25519 (provider {@code SunEC}), and conversions between raw 32-byte keys and JDK key
 * objects: {@link Ed25519}'s path while Bouncy Castle's tables are not built yet, key generation, and the
 * APIs that take JCA keys (sshj's login for ssh:// hub URLs, the hub's JWT key). No JCA provider is
 * registered (sshj would register Bouncy Castle's).
 */
final class JdkEd25519 {

  /** The JDK provider of EdDSA since Java 15. */
  static final String PROVIDER = "SunEC";

  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112); the raw key follows. */
  private static final byte[] X509_PREFIX = {
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  /** DER of the algorithm OID followed by the OCTET STRING wrapping of the 32-byte seed in PKCS#8. */
  private static final byte[] PKCS8_SEED_MARKER = {0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

  private JdkEd25519() {
  }

  static KeyFactory keyFactory() throws NoSuchAlgorithmException {
    try {
      return KeyFactory.getInstance("Ed25519", PROVIDER);
    } catch (java.security.NoSuchProviderException e) {
      return KeyFactory.getInstance("Ed25519");
    }
  }

  static Signature signature() throws NoSuchAlgorithmException {
    try {
      return Signature.getInstance("Ed25519", PROVIDER);
    } catch (java.security.NoSuchProviderException e) {
      return Signature.getInstance("Ed25519");
    }
  }

  static KeyPairGenerator keyPairGenerator() throws NoSuchAlgorithmException {
    try {
      return KeyPairGenerator.getInstance("Ed25519", PROVIDER);
    } catch (java.security.NoSuchProviderException e) {
      return KeyPairGenerator.getInstance("Ed25519");
    }
  }

  /** @return a JDK public key for a raw 32-byte Ed25519 key */
  static PublicKey publicFromRaw(byte[] raw) throws GeneralSecurityException {
    byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
    return keyFactory().generatePublic(new X509EncodedKeySpec(der));
  }

  /** @return the raw 32 bytes of any provider's Ed25519 public key, or null when it is not one */
  static byte[] rawFromPublic(PublicKey key) {
    byte[] der = key == null ? null : key.getEncoded();
    if (der == null || der.length != X509_PREFIX.length + 32
        || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      return null;
    }
    return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
  }

  /** @return a JDK private key for a 32-byte Ed25519 seed */
  static PrivateKey privateFromSeed(byte[] seed) throws GeneralSecurityException {
    return keyFactory().generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
  }

  /**
   * @return the 32-byte seed inside any provider's PKCS#8-encoded Ed25519 private key (version 1 or 2),
   *     or null when it is not one
   */
  static byte[] seedFromPrivate(PrivateKey key) {
    byte[] der = key == null ? null : key.getEncoded();
    if (der == null) {
      return null;
    }
    for (int i = 0; i + PKCS8_SEED_MARKER.length + 32 <= der.length; i++) {
      if (Arrays.equals(der, i, i + PKCS8_SEED_MARKER.length, PKCS8_SEED_MARKER, 0, PKCS8_SEED_MARKER.length)) {
        int from = i + PKCS8_SEED_MARKER.length;
        return Arrays.copyOfRange(der, from, from + 32);
      }
    }
    return null;
  }
}
