package dev.callmesh.protocol.auth;

import dev.callmesh.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SSH signatures in the SSHSIG format of OpenSSH ({@code PROTOCOL.sshsig}), as made by
 * {@code ssh-keygen -Y sign -n <namespace>}, restricted to {@code ssh-ed25519} keys.
 * <pre>
 *   blob:        "SSHSIG"  uint32 version=1  string publickey  string namespace  string reserved
 *                string hash_algorithm  string signature("ssh-ed25519", sig[64])
 *   signed data: "SSHSIG"  string namespace  string reserved  string hash_algorithm  string H(message)
 * </pre>
 */
public final class SshSig {

  /** The largest signature text accepted; an ed25519 SSHSIG is about 300 characters. */
  public static final int MAX_SIGNATURE_CHARS = 8 * 1024;

  static final String LABEL = "SSH SIGNATURE";
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final long VERSION = 1;
  private static final String SIGN_HASH = "sha512";

  private SshSig() {
  }

  /**
   * @param key the signing key
   * @param namespace the SSHSIG namespace, for example {@link AuthMessages#NAMESPACE}
   * @param message the bytes to sign
   * @return the armored signature ({@code -----BEGIN SSH SIGNATURE-----}, base64 in lines of 70,
   *     {@code -----END SSH SIGNATURE-----}, newline), hashed with sha512, verifiable by
   *     {@code ssh-keygen -Y verify}
   */
  public static String sign(SshKeyPair key, String namespace, byte[] message) {
    byte[] signed = signedData(namespace, new byte[0], SIGN_HASH, digest(SIGN_HASH, message));
    byte[] sigBlob = new SshWire.Writer()
        .string(SshPublicKey.KEY_TYPE)
        .string(key.sign(signed))
        .toByteArray();
    byte[] blob = new SshWire.Writer()
        .raw(MAGIC)
        .uint32(VERSION)
        .string(key.publicKey().wireBlob())
        .string(namespace)
        .string(new byte[0])
        .string(SIGN_HASH)
        .string(sigBlob)
        .toByteArray();
    return Armor.wrap(LABEL, blob);
  }

  /**
   * Verifies an SSHSIG signature over a message and returns the key that made it. The caller decides
   * whether that key is authorized.
   *
   * @param signature armored SSHSIG text, or the plain base64 of the binary blob; whitespace is ignored
   * @param namespace the namespace the signature must have been made for
   * @param message the bytes that must have been signed
   * @return the ssh-ed25519 public key embedded in the signature
   * @throws AuthException with {@link ErrorCode#UNAUTHENTICATED} for any malformed, oversized, foreign
   *     (not ssh-ed25519, wrong namespace, unknown hash) or invalid signature; never a RuntimeException
   */
  public static SshPublicKey verify(String signature, String namespace, byte[] message) throws AuthException {
    if (signature == null || signature.isBlank()) {
      throw fail("no signature was given; sign the challenge with: ssh-keygen -Y sign -n " + namespace);
    }
    if (signature.length() > MAX_SIGNATURE_CHARS) {
      throw fail("the signature is larger than " + MAX_SIGNATURE_CHARS + " characters; send one SSHSIG signature");
    }
    if (namespace == null || message == null) {
      throw fail("nothing to verify the signature against");
    }
    Parsed p;
    try {
      p = parse(Armor.unwrap(LABEL, signature, true));
    } catch (IllegalArgumentException e) {
      throw fail("the signature is not an SSHSIG signature (" + e.getMessage()
          + "); sign with: ssh-keygen -Y sign -n " + namespace);
    }
    if (!SshPublicKey.KEY_TYPE.equals(p.keyType) || !SshPublicKey.KEY_TYPE.equals(p.sigType)) {
      throw fail("only ssh-ed25519 keys are accepted; this signature was made with a "
          + SshPublicKey.printable(p.keyType) + " key");
    }
    if (!Arrays.equals(p.namespace, namespace.getBytes(StandardCharsets.UTF_8))) {
      throw fail("the signature was made for namespace " + SshPublicKey.printable(SshPublicKey.utf8(p.namespace))
          + "; sign with: ssh-keygen -Y sign -n " + namespace);
    }
    String hash = SshPublicKey.utf8(p.hashAlg);
    if (!"sha256".equals(hash) && !"sha512".equals(hash)) {
      throw fail("unsupported signature hash " + SshPublicKey.printable(hash) + "; use sha256 or sha512");
    }
    SshPublicKey key;
    try {
      key = SshPublicKey.fromWireBlob(p.publicKey);
    } catch (IllegalArgumentException e) {
      throw fail("the signature's public key is malformed: " + e.getMessage());
    }
    byte[] signed = signedData(namespace, p.reserved, hash, digest(hash, message));
    if (!Ed25519.verify(key, signed, p.rawSignature)) {
      throw fail("the signature does not verify for key " + key.fingerprint()
          + "; sign exactly the message you were given, with no trailing newline");
    }
    return key;
  }

  /** The fields of an SSHSIG blob. */
  private record Parsed(byte[] publicKey, String keyType, byte[] namespace, byte[] reserved, byte[] hashAlg,
                        String sigType, byte[] rawSignature) {
  }

  private static Parsed parse(byte[] blob) {
    SshWire.Reader r = new SshWire.Reader(blob);
    if (!Arrays.equals(r.readRaw(MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("it does not start with SSHSIG");
    }
    long version = r.readUint32();
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported SSHSIG version " + version);
    }
    byte[] publicKey = r.readString();
    byte[] namespace = r.readString();
    byte[] reserved = r.readString();
    byte[] hashAlg = r.readString();
    byte[] sigBlob = r.readString();
    r.requireEnd();
    String keyType = new SshWire.Reader(publicKey).readUtf8();
    SshWire.Reader s = new SshWire.Reader(sigBlob);
    String sigType = s.readUtf8();
    byte[] raw = s.readString();
    s.requireEnd();
    return new Parsed(publicKey, keyType, namespace, reserved, hashAlg, sigType, raw);
  }

  private static byte[] signedData(String namespace, byte[] reserved, String hash, byte[] digest) {
    return new SshWire.Writer()
        .raw(MAGIC)
        .string(namespace)
        .string(reserved)
        .string(hash)
        .string(digest)
        .toByteArray();
  }

  private static byte[] digest(String sshHashName, byte[] message) {
    try {
      return MessageDigest.getInstance("sha256".equals(sshHashName) ? "SHA-256" : "SHA-512").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + sshHashName, e);
    }
  }

  private static AuthException fail(String message) {
    return new AuthException(ErrorCode.UNAUTHENTICATED, message);
  }
}
