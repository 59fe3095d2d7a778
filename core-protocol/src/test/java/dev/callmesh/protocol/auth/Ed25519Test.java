package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict RFC 8032 signing and verification, on both paths: the JDK's (cold) and Bouncy Castle's (warm). */
class Ed25519Test {

  /** One of the two verification paths. */
  private interface Path {
    boolean verify(byte[] publicRaw, byte[] message, byte[] signature64);
  }

  private static final List<Path> PATHS = List.of(Ed25519::verifyCold, Ed25519::verifyWarm);

  private static final byte[] MESSAGE = "hello".getBytes(StandardCharsets.UTF_8);

  /** The field prime p = 2^255 - 19. */
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

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

  /** @return v as 32 bytes little-endian (the encoding of a y coordinate with the sign bit clear) */
  private static byte[] littleEndian(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  private static byte[] signature(byte[] r, byte[] s) {
    byte[] sig = Arrays.copyOf(r, 64);
    System.arraycopy(s, 0, sig, 32, 32);
    return sig;
  }

  @Test
  void acceptsCanonicalAndRejectsSPlusL() {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    assertTrue(Ed25519.verify(pair.publicKey(), MESSAGE, sig));

    byte[] malleated = sig.clone();
    addOrderToS(malleated, 32);

    assertFalse(Arrays.equals(sig, malleated));
    assertFalse(Ed25519.verify(pair.publicKey(), MESSAGE, malleated));
    for (Path path : PATHS) {
      assertTrue(path.verify(pair.publicKey().raw(), MESSAGE, sig));
      assertFalse(path.verify(pair.publicKey().raw(), MESSAGE, malleated));
    }
  }

  @Test
  void bothPathsSignAlike() {
    byte[] seed = new byte[32];
    new java.security.SecureRandom().nextBytes(seed);
    byte[] pub = new byte[32];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pub, 0);
    assertArrayEquals(Ed25519.signCold(seed, MESSAGE), Ed25519.signWarm(seed, pub, MESSAGE));
  }

  @Test
  void keepsWorkingOnceTheTablesAreBuilt() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();
    for (int i = 0; i < 2 * Ed25519.COLD_OPERATIONS; i++) {
      assertTrue(Ed25519.verify(pair.publicKey(), MESSAGE, pair.sign(MESSAGE)));
    }
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
    Thread.sleep(50);
    assertTrue(Ed25519.verify(pair.publicKey(), MESSAGE, pair.sign(MESSAGE)));
  }

  @Test
  void prepareBuildsTheTablesOnceWithoutWaitingForOperations() throws Exception {
    Ed25519.prepare();
    Ed25519.prepare();
    long builders = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("callmesh-ed25519-tables")).count();
    assertTrue(builders <= 1, builders + " threads build the tables");
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!Ed25519.tablesReady()) {
      assertTrue(System.nanoTime() < deadline, "the tables were not built within 20 s");
      Thread.sleep(10);
    }
    SshKeyPair pair = SshKeyPair.generate();
    assertTrue(Ed25519.verify(pair.publicKey(), MESSAGE, pair.sign(MESSAGE)));
  }

  @Test
  void rejectsBadInputWithoutThrowing() {
    SshKeyPair pair = SshKeyPair.generate();
    byte[] sig = pair.sign(MESSAGE);
    assertFalse(Ed25519.verify(pair.publicKey(), MESSAGE, Arrays.copyOf(sig, 63)));
    assertFalse(Ed25519.verify(pair.publicKey(), MESSAGE, Arrays.copyOf(sig, 65)));
    assertFalse(Ed25519.verify(pair.publicKey(), MESSAGE, null));
    assertFalse(Ed25519.verify(null, MESSAGE, sig));
    assertFalse(Ed25519.verify(pair.publicKey(), null, sig));
    assertFalse(Ed25519.verify(pair.publicKey(), "other".getBytes(StandardCharsets.UTF_8), sig));
    assertFalse(Ed25519.verify(SshKeyPair.generate().publicKey(), MESSAGE, sig));
    byte[] allOnes = new byte[32];
    Arrays.fill(allOnes, (byte) 0xff);
    assertFalse(Ed25519.verify(SshPublicKey.fromRaw(allOnes), MESSAGE, sig));
  }

  @Test
  void matchesRfc8032TestVector1() {
    HexFormat hex = HexFormat.of();
    byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pub = hex.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] sig = hex.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        + "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    byte[] derived = new byte[32];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, derived, 0);
    assertArrayEquals(pub, derived);
    assertArrayEquals(sig, Ed25519.signWarm(seed, pub, new byte[0]));
    assertArrayEquals(sig, Ed25519.signCold(seed, new byte[0]));
    assertTrue(Ed25519.verify(SshPublicKey.fromRaw(pub), new byte[0], sig));
    for (Path path : PATHS) {
      assertTrue(path.verify(pub, new byte[0], sig));
    }
  }

  @Test
  void agreesWithTheJdkBothWays() throws Exception {
    SshKeyPair pair = SshKeyPair.generate();

    Signature jdkVerifier = Signature.getInstance("Ed25519");
    jdkVerifier.initVerify(pair.publicKey().jdkKey());
    jdkVerifier.update(MESSAGE);
    assertTrue(jdkVerifier.verify(pair.sign(MESSAGE)));

    Signature jdkSigner = Signature.getInstance("Ed25519");
    jdkSigner.initSign(pair.jdkPrivateKey());
    jdkSigner.update(MESSAGE);
    byte[] jdkSig = jdkSigner.sign();
    assertArrayEquals(jdkSig, pair.sign(MESSAGE));
    var viaDefault = KeyFactory.getInstance("Ed25519")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(pair.publicKey().jdkKey().getEncoded()));
    assertTrue(Ed25519.verify(SshPublicKey.fromJdk(viaDefault), MESSAGE, jdkSig));
  }

  /** Encodings the JDK refused (it threw "y value is too large" or "Invalid point") stay refused. */
  @Test
  void rejectsNonCanonicalEncodingsOfRAndA() {
    for (Path path : PATHS) {
      rejectsNonCanonicalEncodingsOfRAndA(path);
    }
  }

  private static void rejectsNonCanonicalEncodingsOfRAndA(Path path) {
    byte[] identity = littleEndian(BigInteger.ONE);
    byte[] identityAsPPlusOne = littleEndian(P.add(BigInteger.ONE));
    byte[] identityWithSignBit = identity.clone();
    identityWithSignBit[31] |= (byte) 0x80;
    byte[] zeroS = new byte[32];
    SshKeyPair pair = SshKeyPair.generate();
    byte[] good = pair.sign(MESSAGE);

    // R = y with y >= p, each value of the 19 the 255 bits leave room for.
    for (int y = 0; y < 19; y++) {
      byte[] r = littleEndian(P.add(BigInteger.valueOf(y)));
      assertFalse(path.verify(pair.publicKey().raw(), MESSAGE, signature(r, Arrays.copyOfRange(good, 32, 64))));
      assertFalse(path.verify(identity, MESSAGE, signature(r, zeroS)));
    }
    // R or A with x = 0 but the sign bit set (RFC 8032 5.1.3 step 4), or A as y = p + 1.
    assertFalse(path.verify(identity, MESSAGE, signature(identityWithSignBit, zeroS)));
    assertFalse(path.verify(identityWithSignBit, MESSAGE, signature(identity, zeroS)));
    assertFalse(path.verify(identityAsPPlusOne, MESSAGE, signature(identity, zeroS)));
    // A y with no x on the curve.
    assertFalse(path.verify(littleEndian(BigInteger.TWO), MESSAGE, good));
    // S with its top bit set.
    byte[] highS = good.clone();
    highS[63] |= (byte) 0x80;
    assertFalse(path.verify(pair.publicKey().raw(), MESSAGE, highS));
  }

  /**
   * Stricter than the JDK: under a small-order key, R = identity and S = 0 satisfy the equation for any
   * message. The JDK accepted that for the identity and the point of order 2; such keys verify nothing.
   */
  @Test
  void refusesSmallOrderKeysTheJdkAccepted() {
    for (Path path : PATHS) {
      refusesSmallOrderKeys(path);
    }
  }

  private static void refusesSmallOrderKeys(Path path) {
    byte[] identity = littleEndian(BigInteger.ONE);
    byte[] orderTwo = littleEndian(P.subtract(BigInteger.ONE));
    byte[] orderFour = littleEndian(BigInteger.ZERO);
    byte[] orderEight = HexFormat.of().parseHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
    byte[] anyMessageSignature = signature(identity, new byte[32]);

    for (byte[] key : new byte[][] {identity, orderTwo, orderFour, orderEight}) {
      assertFalse(path.verify(key, MESSAGE, anyMessageSignature));
      assertFalse(path.verify(key, MESSAGE, signature(key, new byte[32])));
    }
  }
}
